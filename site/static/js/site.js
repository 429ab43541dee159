// Site-wide behaviour, kept out of the templates: the Content-Security-Policy allows no
// inline scripts or on…= handlers (config/middleware.py).

// <select data-autosubmit> sends its form as soon as a choice is made (the language menu).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && "autosubmit" in field.dataset && field.form) {
    field.form.submit();
  }
});
