/*
 * Proposed changes on a mark's card (annotations/proposals.py): members who
 * may not edit someone else's mark propose a label, or a quote's type or
 * speaker, instead of adding a duplicate; its creator, a moderator or staff
 * accept (saved as their own edit) or decline it in one click.
 *
 * Functions of the card (card.js), which keeps the state: card.proposals, the
 * open ones of the card's mark.
 */

import { h, announce, toast } from "./dom.js";
import { describe, fieldName } from "./conflict.js";
import { gettext, interpolate, labelName, relativeTime, absoluteTime } from "./i18n.js";

export async function loadProposals(card) {
  const id = card.id;
  if (!card.user || !card.api.urls.proposals) return;
  // Live updates may ask again while a request is out: only the newest answer is shown.
  const request = (card.proposalsRequest = (card.proposalsRequest || 0) + 1);
  let list;
  try {
    list = await card.api.proposals(id);
  } catch {
    return;
  }
  if (card.id !== id || request !== card.proposalsRequest) return;
  card.proposals = list;
  if (card.view === "read") {
    const old = card.element.querySelector(".annotator-proposals");
    const fresh = proposalsSection(card, card.annotation);
    if (old && fresh) old.replaceWith(fresh);
    else if (old) old.remove(); // the last one was decided or withdrawn
    else if (fresh) card.element.querySelector(".annotator-card__body > .annotator-error")?.before(fresh);
  }
}

/* The open proposals on the card's mark: accept/decline for its editors, withdraw for the proposer. */
export function proposalsSection(card, a) {
  const list = card.proposals || [];
  if (!list.length || !a) return null;
  const ctx = { labels: card.labels, store: card.store, index: card.index, user: card.user };
  return h(
    "section",
    { class: "annotator-proposals", "aria-label": gettext("Proposed changes") },
    h("h3", {}, gettext("Proposed changes")),
    h(
      "ul",
      {},
      list.map((p) =>
        h(
          "li",
          { class: "annotator-proposal", dataset: { proposal: String(p.id) } },
          h("p", { class: "annotator-meta" }, h("bdi", {}, p.proposer.username), "\u00a0· ", h("time", { datetime: p.created, title: absoluteTime(p.created) }, relativeTime(p.created))),
          h(
            "p",
            {},
            Object.keys(p.changes)
              .filter((f) => f !== "speaker_name" || !("speaker" in p.changes) || !p.changes.speaker)
              .map((f, i) => [i ? "، " : "", fieldName(f === "speaker_name" ? "speaker" : f), ": ", describe(f, { ...a, ...p.changes }, ctx)]),
          ),
          p.comment ? h("p", { class: "annotator-pre" }, p.comment) : null,
          a.can_edit
            ? h(
                "div",
                { class: "annotator-actions" },
                h("button", { type: "button", class: "button button--primary", dataset: { action: "accept-proposal" }, onclick: () => decideProposal(card, p, "accept") }, gettext("Accept the change")),
                h("button", { type: "button", class: "button", dataset: { action: "decline-proposal" }, onclick: () => decideProposal(card, p, "decline") }, gettext("Decline")),
              )
            : p.proposer.id === card.user?.id
              ? h("button", { type: "button", class: "annotator-link-button", onclick: () => decideProposal(card, p, "decline") }, gettext("Withdraw"))
              : null,
        ),
      ),
    ),
  );
}

async function decideProposal(card, proposal, action) {
  try {
    const answer = await card.api.decideProposal(proposal, action);
    if (action === "accept") {
      card.store.upsert(answer);
      announce(gettext("Change accepted."));
    }
    card.proposals = (card.proposals || []).filter((p) => p.id !== proposal.id);
    if (card.view === "read") card._setView("read");
  } catch (error) {
    card._error(error.userMessage || String(error));
    loadProposals(card);
  }
}

/* The card's "propose a change" form (someone else's mark). */
export function proposeView(card, a) {
  const draft = { label: a.label, quote_type: a.quote_type, speaker: a.speaker, comment: "" };
  const fields = [];
  if (a.kind === "entity") {
    fields.push(
      h(
        "fieldset",
        { class: "annotator-label-choices" },
        h("legend", {}, gettext("Label")),
        card.labels.map((label) =>
          h(
            "label",
            { class: "annotator-check" },
            h("input", { type: "radio", name: "label", value: String(label.id), checked: a.label === label.id, onchange: () => (draft.label = label.id) }),
            " ",
            h("span", { class: "annotator-swatch", "aria-hidden": "true", style: { backgroundColor: label.color } }),
            " ",
            labelName(label),
          ),
        ),
      ),
    );
  } else {
    const entities = card.store.drawn().filter((e) => e.kind === "entity" && !(e.start >= a.start && e.end <= a.end));
    fields.push(
      h(
        "fieldset",
        {},
        h("legend", {}, gettext("Type")),
        ["direct", "indirect", "partial"].map((value) =>
          h(
            "label",
            { class: "annotator-check" },
            h("input", { type: "radio", name: "quote_type", value, checked: a.quote_type === value, onchange: () => (draft.quote_type = value) }),
            " ",
            describe("quote_type", { quote_type: value }, {}),
          ),
        ),
      ),
      h(
        "label",
        { class: "annotator-field" },
        gettext("Speaker"),
        " ",
        h(
          "select",
          { name: "speaker", onchange: (event) => (draft.speaker = event.target.value ? Number(event.target.value) : null) },
          h("option", { value: "" }, gettext("— none —")),
          entities.map((e) => h("option", { value: String(e.id), selected: e.id === a.speaker }, `${e.exact} (${labelName(card._label(e.label))})`)),
        ),
      ),
    );
  }
  fields.push(
    h(
      "label",
      { class: "annotator-field annotator-field--block" },
      gettext("Why (optional)"),
      h("textarea", { name: "comment", rows: "2", oninput: (event) => (draft.comment = event.target.value) }),
    ),
  );
  const send = async () => {
    const changes = {};
    if (a.kind === "entity" && draft.label !== a.label) changes.label = draft.label;
    if (a.kind === "quote") {
      if (draft.quote_type !== a.quote_type) changes.quote_type = draft.quote_type;
      if (draft.speaker !== a.speaker) Object.assign(changes, { speaker: draft.speaker, speaker_name: "" });
    }
    if (!Object.keys(changes).length) {
      card._error(gettext("Change something first."));
      return;
    }
    try {
      await card.api.propose(a.id, changes, draft.comment.trim());
      card._setView("read");
      loadProposals(card);
      const owner = a.creator ? a.creator.username : gettext("its creator");
      announce(interpolate(gettext("Proposal sent to %(name)s."), { name: owner }));
      toast(interpolate(gettext("Proposal sent to %(name)s."), { name: owner }));
    } catch (error) {
      card._error(error.userMessage || String(error));
    }
  };
  return h(
    "form",
    {
      class: "annotator-card__body annotator-propose",
      onsubmit: (event) => {
        event.preventDefault();
        send();
      },
    },
    card._header(gettext("Propose a change")),
    h("p", { class: "muted" }, interpolate(gettext("%(name)s or a moderator can accept it in one click."), { name: a.creator ? a.creator.username : gettext("Its creator") })),
    ...fields,
    h("p", { class: "annotator-error", role: "alert" }),
    h(
      "div",
      { class: "annotator-actions" },
      h("button", { type: "submit", class: "button button--primary", dataset: { action: "send-proposal" }, "data-autofocus": true }, gettext("Send the proposal")),
      h("button", { type: "button", class: "button", onclick: () => card._setView("read") }, gettext("Cancel")),
    ),
  );
}
