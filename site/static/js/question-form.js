// The question form shows only the parts its type uses: options for single and multiple
// choice, the true/false answer, or a case's parts. Without this script every part shows
// and the server reads only the type's own.
const form = document.getElementById("question-form");
if (form) {
  const type = form.querySelector("[name=qtype]");
  const show = () => {
    for (const part of form.querySelectorAll("[data-types]")) {
      part.hidden = !part.dataset.types.split(" ").includes(type.value);
    }
  };
  type.addEventListener("change", show);
  show();
}
