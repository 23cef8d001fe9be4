/*
 * When a save answers 412 (someone else saved a newer version first) and both
 * changed the same field to different values (card.js merges edits of
 * different fields by itself), show those fields side by side, with who saved
 * theirs and when, and let the reader choose. Nothing is dropped
 * without the reader saying so: "keep mine" saves the reader's fields on top
 * of the other version (fields only they changed are kept), "keep theirs"
 * discards the reader's edit, "edit again" reopens the form with the reader's
 * values over the newer version.
 */

import { h, arabic } from "./dom.js";
import { gettext, interpolate, labelName, relativeTime, absoluteTime } from "./i18n.js";

const FIELDS = ["label", "quote_type", "speaker", "speaker_name", "span", "cue", "note", "visibility", "status"];

export function fieldName(field) {
  return {
    label: gettext("Label"),
    quote_type: gettext("Type"),
    speaker: gettext("Speaker"),
    speaker_name: gettext("Speaker name"),
    span: gettext("Text"),
    cue: gettext("Reporting verb"),
    note: gettext("Note"),
    visibility: gettext("Visible to"),
    status: gettext("Status"),
  }[field];
}

/* The value of a field of an annotation, or of a change set laid over an annotation. */
function valueOf(field, a) {
  switch (field) {
    case "span":
      return `${a.start}:${a.end}`;
    case "cue":
      return a.cue_start == null ? "" : `${a.cue_start}:${a.cue_end}`;
    case "visibility":
      return a.visibility === "group" ? `group:${a.group}` : a.visibility;
    default:
      return a[field] ?? "";
  }
}

export function changedFields(before, after) {
  return FIELDS.filter((f) => String(valueOf(f, before)) !== String(valueOf(f, after)));
}

/*
 * The fields both the reader and the other editor changed, to different values: the only true
 * conflicts. Edits of different fields merge (the reader's PATCH names only the reader's fields).
 */
export function trueConflicts(base, mine, theirs) {
  const theirFields = new Set(changedFields(base, theirs));
  return changedFields(base, mine).filter((f) => theirFields.has(f) && String(valueOf(f, mine)) !== String(valueOf(f, theirs)));
}

export function describe(field, a, ctx) {
  switch (field) {
    case "label":
      return labelName(ctx.labels.find((l) => l.id === a.label)) || "—";
    case "quote_type":
      return { direct: gettext("direct"), indirect: gettext("indirect"), partial: gettext("partial") }[a.quote_type] || "—";
    case "speaker":
      return a.speaker ? arabic(ctx.store.get(a.speaker)?.exact || `#${a.speaker}`) : "—";
    case "speaker_name":
      return a.speaker_name ? arabic(a.speaker_name) : "—";
    case "span":
      return arabic(a.exact ?? ctx.index.slice(a.start, a.end));
    case "cue":
      return a.cue_start == null ? "—" : arabic(ctx.index.slice(a.cue_start, a.cue_end));
    case "note":
      return a.note ? h("span", { class: "annotator-pre" }, a.note) : "—";
    case "visibility": {
      if (a.visibility === "group") {
        const group = ctx.user?.groups?.find((g) => g.id === a.group);
        return interpolate(gettext("Group: %(name)s"), { name: group ? group.name : `#${a.group}` });
      }
      return a.visibility === "private" ? gettext("Only me") : gettext("Everyone");
    }
    case "status":
      return (
        {
          human: gettext("By people"),
          suggested: gettext("suggestion"),
          accepted: gettext("accepted suggestion"),
          rejected: gettext("rejected suggestion"),
        }[a.status] || a.status
      );
    default:
      return String(a[field] ?? "");
  }
}

/*
 * Build the comparison. `base` is the version the reader started from, `mine`
 * that version with the reader's changes, `theirs` the version now stored.
 */
export function conflictView({ base, mine, theirs, ctx, onKeepMine, onKeepTheirs, onEditAgain, deleting = false }) {
  // Deleting: what they changed (it would go with the mark). Editing: only the fields both changed.
  const fields = deleting ? changedFields(base, theirs) : trueConflicts(base, mine, theirs);
  // Who saved the version we collided with: its last editor (a moderator's edit is theirs, not the creator's).
  const editor = theirs.modified_by || theirs.creator;
  const who = editor ? editor.username : gettext("someone");
  const creator = theirs.creator && theirs.creator.id !== editor?.id ? theirs.creator.username : null;
  // Each of their values says who saved it and when.
  const byline = () =>
    h(
      "span",
      { class: "annotator-conflict__by muted" },
      h("bdi", {}, who),
      " · ",
      h("time", { datetime: theirs.modified, title: absoluteTime(theirs.modified) }, relativeTime(theirs.modified)),
    );
  const rows = fields.map((field) =>
    h(
      "tr",
      { dataset: { field } },
      h("th", { scope: "row" }, fieldName(field)),
      h("td", {}, deleting ? gettext("(delete)") : describe(field, mine, ctx)),
      h("td", {}, describe(field, theirs, ctx), h("br"), byline()),
    ),
  );
  return h(
    "section",
    { class: "annotator-conflict", role: "alertdialog", "aria-labelledby": "annotator-conflict-title", "aria-describedby": "annotator-conflict-text" },
    h("h3", { id: "annotator-conflict-title", tabindex: "-1" }, gettext("Someone else changed this mark")),
    h(
      "p",
      { id: "annotator-conflict-text" },
      deleting
        ? gettext("It was changed after you opened it. Do you still want to delete it?")
        : gettext("It was saved by someone else after you started editing. Choose which version to keep; nothing is lost until you choose."),
      " ",
      h("time", { datetime: theirs.modified, title: absoluteTime(theirs.modified) }, relativeTime(theirs.modified)),
      " · ",
      h("span", { class: "annotator-conflict__editor" }, interpolate(gettext("changed by %(name)s"), { name: who })),
      creator ? [" · ", interpolate(gettext("mark by %(name)s"), { name: creator })] : null,
    ),
    rows.length
      ? h(
          "table",
          { class: "annotator-conflict__table" },
          h("thead", {}, h("tr", {}, h("td"), h("th", { scope: "col" }, gettext("Yours")), h("th", { scope: "col" }, gettext("Theirs (saved)")))),
          h("tbody", {}, rows),
        )
      : h("p", {}, gettext("Their change does not touch the fields you changed.")),
    h(
      "div",
      { class: "annotator-actions" },
      h("button", { type: "button", class: "button button--primary", dataset: { choice: "mine" }, onclick: onKeepMine }, deleting ? gettext("Delete anyway") : gettext("Keep mine")),
      h("button", { type: "button", class: "button", dataset: { choice: "theirs" }, onclick: onKeepTheirs }, deleting ? gettext("Keep the mark") : gettext("Keep theirs")),
      onEditAgain ? h("button", { type: "button", class: "button", dataset: { choice: "edit" }, onclick: onEditAgain }, gettext("Edit again")) : null,
    ),
  );
}
