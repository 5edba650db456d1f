#!/usr/bin/env node
// An independent verifier of deliberation case archives, in JavaScript with Node's built-in
// crypto only: it shares no code with the Python library, just the recipe in docs/records.md.
//
//   node examples/verify-archive.mjs ARCHIVE.json
//   node examples/verify-archive.mjs --url http://127.0.0.1:8000/v1/cases/road-1 --token TOKEN
//   node examples/verify-archive.mjs --url … --token TOKEN --attachments   (checks the bytes too)
//
// Prints a JSON report ({"ok", "records", "head_hash", "problems": [{"code", "seq", ...}]})
// and exits 0 when the chain is intact, 1 when a problem was found, 2 on bad input.

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

// RFC 8785 (JCS): JSON.stringify already writes numbers and strings the JCS way; objects get
// their keys sorted by UTF-16 code units (what Array.prototype.sort does) and no whitespace.
export function jcs(value) {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new Error("JCS has no form for NaN or Infinity");
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return "[" + value.map(jcs).join(",") + "]";
  const keys = Object.keys(value).sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + jcs(value[k])).join(",") + "}";
}

const sha256 = (text) => createHash("sha256").update(text, "utf8").digest("hex");
const sha256Bytes = (bytes) => createHash("sha256").update(bytes).digest("hex");

// The first record chains to the case header, so swapping a case's procedure or roster shows.
// Header version 2 (cases stored from store schema v5 on) also covers the matter and the
// creation time that show and export print; version 3 (store schema v6 on) also the village;
// version 1 (older cases) none of these.
export function genesisHash(c) {
  const header = {
    case: c.case_id,
    procedure: c.procedure_id,
    procedure_version: c.procedure_version,
    roster: c.roster_fingerprint,
  };
  const version = c.header_version ?? 1;
  if (version === 2 || version === 3) {
    header.matter = c.matter ?? "";
    header.created_at = c.created_at ?? "";
  } else if (version !== 1) {
    return `unknown header version ${version}`;
  }
  if (version === 3) header.village = c.village ?? "";
  return sha256(jcs(header));
}

// hash = sha256(prev_hash "\n" action_id ":" index "/" size "\n" JCS(record))
export function chainHash(prev, action, record) {
  return sha256(`${prev}\n${action.id}:${action.index}/${action.size}\n${jcs(record)}`);
}

// An ISO time with an offset as UTC, "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" (microseconds kept:
// Date only holds milliseconds, so the arithmetic is done here); "" when it is not one.
export function utcTime(at) {
  const m = typeof at === "string" &&
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/.exec(at);
  if (!m) return "";
  const offset = m[8] === "Z" ? 0 :
    (m[8][0] === "-" ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6)));
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]),
    Number(m[6])) - offset * 60000;
  if (Number.isNaN(ms)) return "";
  const micros = (m[7] ?? "").padEnd(6, "0");
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return `${iso.slice(0, 19)}.${micros}+00:00`;
}

// The archive format this verifier reads; a newer one may chain or hash differently, so it is
// refused ("newer-format"), never checked by these rules and called intact.
export const ARCHIVE_VERSION = 1;

export function verifyArchive(archive) {
  const c = archive.case;
  const problems = [];
  const add = (code, seq, detail = "") => problems.push({ code, seq, detail });
  const version = archive.format_version;
  if (Number.isInteger(version) && version > ARCHIVE_VERSION) {
    add("newer-format", null, String(version));
    return { ok: false, case: c?.case_id ?? null, records: 0, head_hash: null, problems };
  }
  const rosterFp = "sha256:" + sha256(jcs(archive.roster.villagers));
  if (rosterFp !== c.roster_fingerprint) add("roster-mismatch", null);
  let prev = genesisHash(c);
  let expected = 1;
  let group = null; // the first row of the action being read
  let groupNext = 0;
  let last = null;
  for (const row of archive.records) {
    const seq = row.seq;
    if (seq !== expected) add("missing", expected, String(seq));
    if (row.prev_hash !== prev) add("broken-link", seq);
    if (chainHash(row.prev_hash, row.action, row.record) !== row.hash) add("hash-mismatch", seq);
    if (row.record.seq !== seq) add("seq-mismatch", seq, String(row.record.seq));
    if (row.record.case !== c.case_id) add("case-mismatch", seq, String(row.record.case));
    const a = row.action;
    if (group !== null && groupNext < group.action.size &&
        (a.id !== group.action.id || a.index !== groupNext || a.size !== group.action.size)) {
      add("incomplete-action", group.seq, `${groupNext}/${group.action.size}`);
      group = null;
    }
    if (group === null || groupNext >= group.action.size) {
      if (a.index !== 0 || a.size < 1) add("incomplete-action", seq, `${a.index}/${a.size}`);
      group = row;
      groupNext = 1;
    } else {
      groupNext += 1;
    }
    prev = row.hash;
    expected = seq + 1;
    last = row;
  }
  if (group !== null && groupNext < group.action.size && last !== null) {
    add("incomplete-action", group.seq, `${groupNext}/${group.action.size}`);
  }
  const n = archive.records.length;
  if (n !== c.version) add("count-mismatch", n, String(c.version));
  const head = n ? archive.records[n - 1].hash : genesisHash(c);
  if (head !== c.head_hash) add("head-mismatch", n ? archive.records[n - 1].seq : 0);
  if ((c.header_version ?? 1) >= 3) {
    // The header restates the last record's state and time (UTC) for listing.
    const lastRecord = n ? archive.records[n - 1].record : null;
    const result = lastRecord && typeof lastRecord.result === "object" ? lastRecord.result : null;
    const state = result && typeof result.state === "string" ? result.state : "";
    const updated = lastRecord ? utcTime(lastRecord.at) : "";
    const where = n ? archive.records[n - 1].seq : 0;
    if ((c.state ?? "") !== state) add("summary-mismatch", where, "state");
    if ((c.updated_at ?? "") !== updated) add("summary-mismatch", where, "updated_at");
  }
  if (Array.isArray(archive.attachments)) checkAttachments(archive, add);
  return { ok: problems.length === 0, case: c.case_id, records: n, head_hash: head, problems };
}

// An archive exported with the attachments' bytes (base64) proves the evidence too: every
// attachment a record names must have bytes with its SHA-256 and size, and no bytes may be
// there that no record names.
function checkAttachments(archive, add) {
  const bytes = new Map();
  for (const item of archive.attachments) {
    bytes.set(item.sha256, Buffer.from(item.base64, "base64"));
  }
  const named = new Set();
  const good = new Map();
  for (const row of archive.records) {
    for (const a of row.record.attachments ?? []) {
      named.add(a.sha256);
      const where = `${a.name.slice(0, 60)} (${a.sha256.slice(0, 12)})`;
      const content = bytes.get(a.sha256);
      if (content === undefined) {
        add("attachment-missing", row.seq, where);
        continue;
      }
      if (!good.has(a.sha256)) good.set(a.sha256, sha256Bytes(content) === a.sha256);
      if (!good.get(a.sha256) || content.length !== a.size) {
        add("attachment-changed", row.seq, where);
      }
    }
  }
  for (const digest of [...bytes.keys()].sort()) {
    if (!named.has(digest)) add("attachment-unreferenced", null, digest.slice(0, 12));
  }
}

async function load(argv) {
  const i = argv.indexOf("--url");
  if (i >= 0) {
    // --attachments: fetch the archive with the attachments' bytes, and check them too.
    const url = argv[i + 1].replace(/\/+$/, "") + "/archive" +
      (argv.includes("--attachments") ? "?attachments=true" : "");
    const t = argv.indexOf("--token");
    const headers = t >= 0 ? { Authorization: `Bearer ${argv[t + 1]}` } : {};
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    return res.json();
  }
  if (argv.length !== 1) throw new Error("usage: verify-archive.mjs ARCHIVE.json | --url CASE_URL [--token T] [--attachments]");
  return JSON.parse(await readFile(argv[0], "utf8"));
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  try {
    const report = verifyArchive(await load(process.argv.slice(2)));
    console.log(JSON.stringify(report, null, 2));
    if (report.problems.some((p) => p.code === "newer-format")) {
      console.error(`verify-archive: the archive is in format ${report.problems[0].detail}, ` +
        `written by a newer version of deliberation: upgrade this verifier (it reads format ` +
        `${ARCHIVE_VERSION})`);
    }
    process.exit(report.ok ? 0 : 1);
  } catch (err) {
    console.error(`verify-archive: ${err.message}`);
    process.exit(2);
  }
}
