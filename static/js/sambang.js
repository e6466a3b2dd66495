// Sambang's page behaviour, kept out of the HTML so the Content-Security-Policy can forbid inline scripts.
//   <form data-confirm="Question?">  asks the question before the form is sent; "Cancel" keeps it unsent.
//   <select data-autosubmit>          sends its form as soon as another option is chosen.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit") && select.form) {
    select.form.submit();
  }
});
