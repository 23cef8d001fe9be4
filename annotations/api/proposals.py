"""Proposed changes over HTTP (annotations/proposals.py).

``GET  /api/annotations/{id}/proposals/``  the open proposals on an annotation the caller can see;
``POST /api/annotations/{id}/proposals/``  ``{"changes": {...}, "comment": "..."}`` proposes one (201);
``POST /api/proposals/{id}/accept/``       makes the change (the annotation as it is now, with its ETag);
``POST /api/proposals/{id}/decline/``      declines or withdraws it.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from annotations import proposals
from annotations.api.base import ERRORS, JSONAPIView, _annotation_response, _row


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    annotation = serializers.IntegerField(source="annotation_id")
    proposer = serializers.SerializerMethodField()
    changes = serializers.DictField()
    comment = serializers.CharField()
    base_version = serializers.IntegerField()
    status = serializers.CharField(help_text="`open`, `accepted` or `declined`.")
    created = serializers.DateTimeField()

    def get_proposer(self, proposal) -> dict:
        return {"id": proposal.proposer_id, "username": proposal.proposer.username}


class ProposalInputSerializer(serializers.Serializer):
    changes = serializers.DictField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=proposals.MAX_COMMENT)


class AnnotationProposalsView(JSONAPIView):
    @extend_schema(
        operation_id="annotation_proposals_list",
        summary="Open proposed changes to an annotation",
        responses={200: ProposalSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        return Response(ProposalSerializer(proposals.proposals_open(user=request.user, annotation_id=pk), many=True).data)

    @extend_schema(
        operation_id="annotation_proposals_create",
        summary="Propose a change to someone else's annotation",
        request=ProposalInputSerializer,
        responses={201: ProposalSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        data = ProposalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = proposals.proposal_create(user=request.user, annotation_id=pk, **data.validated_data)
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


class ProposalAcceptView(JSONAPIView):
    @extend_schema(operation_id="proposal_accept", summary="Accept a proposed change", request=None, responses={200: None, **ERRORS})
    def post(self, request, pk: int):
        annotation = proposals.proposal_accept(user=request.user, proposal_id=pk)
        return _annotation_response(request, _row(request, annotation.pk, w3c=False), w3c=False)


class ProposalDeclineView(JSONAPIView):
    @extend_schema(
        operation_id="proposal_decline", summary="Decline or withdraw a proposed change", request=None, responses={200: ProposalSerializer, **ERRORS}
    )
    def post(self, request, pk: int):
        return Response(ProposalSerializer(proposals.proposal_decline(user=request.user, proposal_id=pk)).data)
