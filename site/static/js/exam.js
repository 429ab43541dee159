// The exam page. Rules it keeps (ARCHITECTURE.md 1-2):
// - every answer is posted as it is given, with a sequence number that only grows;
// - answers not yet acknowledged live in localStorage and are resent after a drop or reload;
// - the countdown follows the server's clock, and the page submits itself at the deadline;
// - one tab holds the exam at a time: a page that learns another device or tab holds it (at
//   load, on a refused save or when it checks back) says so, disables its inputs, claims
//   nothing is saved, keeps its clock, and keeps what it had not sent until "continue here".
import { clientId } from "./exam-client.js";

const root = document.getElementById("exam");
const api = root.dataset.api;
const attemptId = root.dataset.attempt;
const client = clientId();
const msgs = document.getElementById("msgs").dataset;
const net = document.getElementById("net-status");
const banner = document.getElementById("banner");
const questions = [...root.querySelectorAll("article.question")];
const pendingKey = `exam:${attemptId}:pending`;
const seqKey = `exam:${attemptId}:seq`;

const serverOffset = Date.parse(root.dataset.serverNow) - Date.now();
const deadline = Date.parse(root.dataset.deadline);
let seq = Math.max(Number(localStorage.getItem(seqKey) || 0),
  ...questions.map((q) => Number(q.dataset.seq || 0)));
let pending = JSON.parse(localStorage.getItem(pendingKey) || "{}");
let inflight = false;
let retryDelay = 1000;
let finished = false;
// False once the server says another client holds the attempt; the take-over reloads the page.
let holder = !root.dataset.client || root.dataset.client === client;

function csrf() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// The exam pass (services/exam_pass.py) lets the server save an answer without reading the
// session; the session still decides everything else.
async function post(path, body, headers = {}) {
  return fetch(api + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), ...headers },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
}

function showBanner(text) {
  banner.textContent = text;
  banner.hidden = false;
}

function setNet(text, state) {
  net.textContent = text;
  net.dataset.state = state;
}

// ---------------------------------------------------------------- answers

function answerOf(article) {
  const parts = [...article.querySelectorAll("fieldset.choices")];
  const keysOf = (fs) => [...fs.querySelectorAll("input:checked")].map((i) => i.value);
  if (article.dataset.qtype === "case") {
    const answer = {};
    parts.forEach((fs, i) => { const keys = keysOf(fs); if (keys.length) answer[String(i)] = keys; });
    return Object.keys(answer).length ? answer : null;
  }
  const keys = keysOf(parts[0]);
  return keys.length ? keys : null;
}

function remember(article) {
  if (!holder) return;
  const position = Number(article.dataset.position);
  seq += 1;
  localStorage.setItem(seqKey, String(seq));
  pending[position] = {
    position,
    answer: answerOf(article),
    seq,
    flagged: article.dataset.flagged === "1",
  };
  localStorage.setItem(pendingKey, JSON.stringify(pending));
  markSheet(article);
  flush();
}

async function flush() {
  const answers = Object.values(pending);
  if (inflight || finished || !holder || !answers.length) return;
  inflight = true;
  setNet(msgs.saving, "saving");
  try {
    const pass = { "X-Exam-Pass": root.dataset.pass };
    const response = await post("/answers", { client, answers }, pass);
    if (response.ok) {
      const body = await response.json();
      for (const saved of body.saved) {
        const entry = pending[saved.position];
        if (entry && entry.seq <= saved.seq) delete pending[saved.position];
      }
      localStorage.setItem(pendingKey, JSON.stringify(pending));
      retryDelay = 1000;
      setNet(msgs.saved, "saved");
    } else if (response.status >= 500) {
      // The server failed, not the answers (a restart, a database failover, a proxy's 502):
      // keep everything and send it again, as after a network drop.
      retryLater(msgs.retrying, "retrying");
    } else {
      await refused(response);
    }
  } catch (error) {
    // Network down: keep everything, try again with backoff; 'online' also triggers a flush.
    retryLater();
  } finally {
    inflight = false;
  }
  if (Object.keys(pending).length && navigator.onLine && net.dataset.state === "saved") flush();
}

function retryLater(message = msgs.offline, state = "offline") {
  setNet(message, state);
  setTimeout(flush, retryDelay);
  retryDelay = Math.min(retryDelay * 2, 10000);
}

async function refused(response) {
  let body = {};
  try { body = await response.json(); } catch (e) { body = {}; }
  if (body.code === "other_client") {
    heldElsewhere();
    return;
  }
  if (body.code === "deadline" || body.code === "finished") {
    finished = true;
    localStorage.removeItem(pendingKey);
    showBanner(body.detail);
    setTimeout(() => { window.location.href = root.dataset.result; }, 1500);
    return;
  }
  // A refusal of the content itself cannot succeed by retrying: say so and drop it.
  showBanner(body.detail || response.statusText);
  pending = {};
  localStorage.setItem(pendingKey, JSON.stringify(pending));
}

// Another device or tab holds the exam. What this page had not sent stays in localStorage
// and goes out after "continue here" (the page reloads as the holder); until then nothing
// here can change, and nothing says "saved".
function heldElsewhere() {
  holder = false;
  document.body.classList.add("held");
  for (const control of root.querySelectorAll("article.question input, article.question [data-flag], #submit-exam")) {
    control.disabled = true;
  }
  setNet(msgs.elsewhere, "elsewhere");
  banner.hidden = true;
  const unsent = document.getElementById("unsent");
  const n = Object.keys(pending).length;
  unsent.textContent = unsent.dataset.template.replace("%(n)s", n);
  unsent.hidden = n === 0;
  const form = document.getElementById("take-over");
  form.hidden = false;
  window.scrollTo({ top: 0 });
}

// Does this page still hold the exam? Asked when the page comes back into view, so a device
// that was taken over says so before anything is answered on it.
async function checkHolder() {
  if (!holder || finished || document.hidden) return;
  try {
    const response = await fetch(`${api}/state?client=${encodeURIComponent(client)}`,
      { credentials: "same-origin" });
    if (!response.ok) return;
    const body = await response.json();
    if (body.result_url) {
      finished = true;
      window.location.href = body.result_url;
    } else if (body.holder === false) {
      heldElsewhere();
    }
  } catch (error) { /* offline: the next save or check tells */ }
}

function event(kind, data = {}) {
  if (finished || !holder) return;
  post("/events", { client, kind, data }).catch(() => {});
}

// ---------------------------------------------------------------- navigation and sheet

const cells = new Map([...document.querySelectorAll("#sheet .cell[data-goto]")]
  .map((cell) => [cell.dataset.goto, cell]));
let current = 0;

function show(index) {
  current = Math.max(0, Math.min(questions.length - 1, index));
  questions.forEach((q, i) => { q.hidden = i !== current; });
  cells.forEach((cell) => cell.classList.toggle("current", cell.dataset.goto === questions[current].dataset.position));
  questions[current].querySelector("input")?.focus({ preventScroll: true });
  window.scrollTo({ top: 0 });
}

function markSheet(article) {
  const cell = cells.get(article.dataset.position);
  cell.classList.toggle("answered", answerOf(article) !== null);
  cell.classList.toggle("flagged", article.dataset.flagged === "1");
}

// Answers kept from before a reload, a crash or a take-over, shown over what the server
// rendered when they are newer; an older one (the other device answered that question
// since) is dropped, as the server would refuse it.
for (const entry of holder ? Object.values(pending) : []) {
  const article = document.getElementById(`q${entry.position}`);
  if (!article) continue;
  if (entry.seq <= Number(article.dataset.seq || 0)) {
    delete pending[entry.position];
    localStorage.setItem(pendingKey, JSON.stringify(pending));
    continue;
  }
  const chosen = entry.answer;
  article.querySelectorAll("fieldset.choices").forEach((fs, i) => {
    const keys = Array.isArray(chosen) ? chosen : (chosen && chosen[String(i)]) || [];
    fs.querySelectorAll("input").forEach((input) => { input.checked = keys.includes(input.value); });
  });
  article.dataset.flagged = entry.flagged ? "1" : "0";
  markSheet(article);
}

questions.forEach((article, index) => {
  article.addEventListener("change", () => remember(article));
  article.querySelector("[data-prev]").addEventListener("click", () => show(index - 1));
  article.querySelector("[data-next]").addEventListener("click", () => show(index + 1));
  const flag = article.querySelector("[data-flag]");
  flag.addEventListener("click", () => {
    article.dataset.flagged = article.dataset.flagged === "1" ? "0" : "1";
    flag.setAttribute("aria-pressed", article.dataset.flagged === "1" ? "true" : "false");
    remember(article);
  });
});
cells.forEach((cell) => cell.addEventListener("click", () => {
  show(questions.findIndex((q) => q.dataset.position === cell.dataset.goto));
  document.getElementById("sheet").classList.remove("open");
}));
document.getElementById("open-sheet").addEventListener("click", () => {
  document.getElementById("sheet").classList.toggle("open");
});

// ---------------------------------------------------------------- clock and submitting

const countdown = document.getElementById("countdown");
function tick() {
  const left = Math.max(0, deadline - (Date.now() + serverOffset));
  const s = Math.floor(left / 1000);
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  countdown.textContent = hh ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
  countdown.classList.toggle("urgent", s < 300);
  if (left <= 0 && !finished) {
    if (!holder) {
      showBanner(msgs.timeupElsewhere);
      return;
    }
    showBanner(msgs.timeup);
    submit();
    return;
  }
  setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
}

async function submit() {
  if (finished || !holder) return;
  // Send what is still unsent first; if the network is down, keep trying until it is back.
  for (let i = 0; i < 30 && Object.keys(pending).length && !finished; i += 1) {
    await flush();
    if (Object.keys(pending).length) await new Promise((r) => setTimeout(r, 1000));
  }
  if (!holder || finished) return;  // taken over meanwhile: the banner says what to do
  try {
    // The pass lets the server record the hand-in without reading the session (a
    // thousand submit within the same minute); without it the session is asked as before.
    const response = await post("/submit", { client }, { "X-Exam-Pass": root.dataset.pass });
    if (response.ok) {
      finished = true;
      localStorage.removeItem(pendingKey);
      const body = await response.json();
      window.location.href = body.result_url || root.dataset.result;
    } else if (response.status >= 500) {
      setNet(msgs.retrying, "retrying");
      setTimeout(submit, 2000);
    } else {
      await refused(response);
    }
  } catch (error) {
    setNet(msgs.offline, "offline");
    setTimeout(submit, 2000);
  }
}

const dialog = document.getElementById("confirm-submit");
document.getElementById("submit-exam").addEventListener("click", () => {
  const unanswered = questions.filter((q) => answerOf(q) === null).length;
  const text = document.getElementById("confirm-text");
  text.textContent = unanswered
    ? text.dataset.template.replace("%(n)s", unanswered)
    : text.dataset.all;
  dialog.showModal();
});
dialog.addEventListener("close", () => { if (dialog.returnValue === "submit") submit(); });

window.addEventListener("online", () => { event("online"); flush(); });
window.addEventListener("offline", () => { if (holder) setNet(msgs.offline, "offline"); });
document.addEventListener("visibilitychange", () => {
  event(document.hidden ? "focus_lost" : "focus_back");
  if (!document.hidden) checkHolder();
});
// No timer: a thousand idle pages asking every few seconds would cost the exam day more
// than the saves. A page learns it was taken over when it is looked at again (focus,
// visible) or when its next answer is refused, which is when it matters.
window.addEventListener("focus", checkHolder);

show(0);
tick();
if (!holder) {
  heldElsewhere();
} else if (Object.keys(pending).length) {
  flush();
} else {
  setNet(msgs.saved, "saved");
}
