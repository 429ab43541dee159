// The lesson page's study client. The server decides what counts (courses.services.study);
// this page only reports, honestly and often, and shows the server's answer:
// - a video reports every 10 s while playing, and on pause, seek and end;
// - a document or text lesson reports every 10 s while the page is visible;
// - every report carries this tab's client id and a sequence number that only grows;
// - an idle check in the answer opens a dialog; pressing its button answers it;
// - with the learner's consent (when the site asks for it), a webcam photo at random moments.
// Reports are not replayed after a network drop: the server credits by its own clock, so a
// late report would earn nothing anyway.

const TICK_MS = 10_000;
const root = document.getElementById("study");
const msgs = document.getElementById("study-msgs").dataset;
const api = root.dataset.api;
const lesson = Number(root.dataset.lesson);
const status = document.getElementById("study-status");
const dialog = document.getElementById("idle-check");
let creditSeconds = Number(root.dataset.creditSeconds);
// Ticks go on after the lesson counts as complete (90 %) until all its time is credited.
const fullyCredited = () => Number(root.dataset.credited) >= creditSeconds;
let pendingChallenge = "";

function clientId() {
  let id = sessionStorage.getItem("study-client");
  if (!id) {
    id = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now();
    sessionStorage.setItem("study-client", id);
  }
  return id;
}

// One counter per tab, kept across the lessons opened in it, so the order always holds.
function nextSeq() {
  const seq = Number(sessionStorage.getItem("study-seq") || 0) + 1;
  sessionStorage.setItem("study-seq", String(seq));
  return seq;
}

function csrf() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function post(path, body) {
  return fetch(api + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function setStatus(text, state) {
  status.textContent = text;
  status.dataset.state = state;
}

function showCredited(seconds) {
  document.getElementById("lesson-credited").textContent = clock(seconds);
  document.getElementById("lesson-total").textContent = clock(creditSeconds);
  const bar = document.getElementById("lesson-progress");
  bar.max = creditSeconds || 1;
  bar.value = seconds;
  root.dataset.credited = String(seconds);
}

function showHours(answer) {
  for (const key of ["done", "required", "missing"]) {
    const cell = document.getElementById(`hours-${key}`);
    if (cell) cell.textContent = answer[`hours_${key}`];
  }
}

function askIdle(id) {
  if (!id || pendingChallenge === id) return;
  pendingChallenge = id;
  if (!dialog.open) dialog.showModal();
}

dialog.addEventListener("close", async () => {
  const id = pendingChallenge;
  if (!id) return;
  try {
    const response = await post("/challenge", { challenge: id });
    const body = await response.json();
    pendingChallenge = "";
    setStatus(response.ok ? body.message : body.detail, response.ok ? "ok" : "warn");
  } catch {
    setStatus(msgs.offline, "offline");
  }
});

function handle(answer) {
  creditSeconds = answer.lesson_credit_seconds;
  showCredited(answer.lesson_credited_seconds);
  showHours(answer);
  document.getElementById("lesson-done").hidden = !answer.completed;
  askIdle(answer.challenge);
  if (answer.result === "credited") setStatus(msgs.credited, "ok");
  else if (answer.result === "started") setStatus(msgs.started, "ok");
  else if (answer.message) setStatus(answer.message, answer.result === "complete" ? "ok" : "warn");
}

async function report(path, body) {
  try {
    const response = await post(path, { lesson, client: clientId(), seq: nextSeq(), ...body });
    const answer = await response.json();
    if (response.ok) handle(answer);
    else setStatus(answer.detail || msgs.offline, "warn");
    return answer;
  } catch {
    setStatus(msgs.offline, "offline");
    return null;
  }
}

// ---------------------------------------------------------------- video

function studyVideo(video) {
  let timer = null;
  const beat = () => report("/heartbeat", { position: video.currentTime });
  const stop = () => { clearInterval(timer); timer = null; };
  video.addEventListener("play", () => {
    beat();
    if (!timer) timer = setInterval(beat, TICK_MS);
  });
  // At the end the browser fires "pause" and then "ended": one report for both, or the two
  // race and the later one is refused as out of order, leaving that warning on a done lesson.
  video.addEventListener("pause", () => {
    if (video.ended) return;
    stop(); beat(); setStatus(msgs.paused, "idle");
  });
  video.addEventListener("seeked", () => beat());
  video.addEventListener("ended", () => { stop(); beat(); });
}

// ---------------------------------------------------------------- reading

function studyReading() {
  let timer = null;
  const start = () => {
    if (timer || document.visibilityState !== "visible") return;
    report("/reading", { opening: true });
    timer = setInterval(() => {
      if (fullyCredited()) { clearInterval(timer); timer = null; return; }
      report("/reading", {});
    }, TICK_MS);
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") start();
    else { clearInterval(timer); timer = null; setStatus(msgs.hidden, "idle"); }
  });
  if (!fullyCredited()) start();
}

// ---------------------------------------------------------------- webcam, with consent

function webcam() {
  const card = document.getElementById("webcam-consent");
  if (!card) return;
  const choice = sessionStorage.getItem("study-webcam");
  const begin = async () => {
    card.hidden = true;
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    } catch {
      setStatus(msgs.photoOff, "idle");
      return;
    }
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    const snap = () => {
      const canvas = document.createElement("canvas");
      canvas.width = video.videoWidth || 320;
      canvas.height = video.videoHeight || 240;
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(async (blob) => {
        if (!blob) return;
        const form = new FormData();
        form.append("lesson", String(lesson));
        form.append("image", blob, "snapshot.jpg");
        try {
          await fetch(`${api}/snapshot`, {
            method: "POST", body: form, credentials: "same-origin",
            headers: { "X-CSRFToken": csrf() },
          });
        } catch { /* evidence only: study goes on */ }
      }, "image/jpeg", 0.7);
      schedule();
    };
    // Random moments, 2 to 8 minutes apart, so a photo cannot be staged.
    const schedule = () => setTimeout(snap, (2 + Math.random() * 6) * 60_000);
    schedule();
  };
  if (choice === "yes") begin();
  else if (choice === "no") card.hidden = true;
  document.getElementById("webcam-yes").addEventListener("click", () => {
    sessionStorage.setItem("study-webcam", "yes");
    begin();
  });
  document.getElementById("webcam-no").addEventListener("click", () => {
    sessionStorage.setItem("study-webcam", "no");
    card.hidden = true;
    setStatus(msgs.photoOff, "idle");
  });
}

showCredited(Number(root.dataset.credited));
const player = document.getElementById("player");
if (root.dataset.kind === "video") {
  if (player) studyVideo(player);
} else {
  studyReading();
}
webcam();
