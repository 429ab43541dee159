// Site-wide behaviour, kept out of the templates: the Content-Security-Policy allows no
// inline scripts or on…= handlers (config/middleware.py).

// <select data-autosubmit> sends its form as soon as a choice is made (the language menu).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && "autosubmit" in field.dataset && field.form) {
    field.form.submit();
  }
});

// <input type="checkbox" data-tick-all="NAME"> ticks or clears every box named NAME (the
// roster's people, for activation codes).
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box instanceof HTMLInputElement && box.dataset.tickAll) {
    for (const other of document.querySelectorAll(`input[type=checkbox][name="${box.dataset.tickAll}"]`)) {
      other.checked = box.checked;
    }
  }
});

// <button data-print> prints the page (the activation codes' slips).
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) {
    window.print();
  }
});
