// One id per browser tab: the server lets one client answer an attempt at a time, so a
// second tab or device is told why it cannot, instead of silently racing the first.
export function clientId() {
  let id = sessionStorage.getItem("exam-client");
  if (!id) {
    id = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
    sessionStorage.setItem("exam-client", id);
  }
  return id;
}

for (const field of document.querySelectorAll("#client-field, #take-over input[name=client]")) {
  field.value = clientId();
}
