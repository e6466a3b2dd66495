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

// The booking form checks itself on the server as it is filled: the findings (conflicts and warnings)
// are fetched from the same URL and replace the #findings block. Without JavaScript, "Check" does it.
(function () {
  const form = document.querySelector("form[data-live-check]");
  if (!form) return;
  const target = form.querySelector("#findings");
  let timer = null;
  function check() {
    const data = new FormData(form);
    data.set("action", "check");
    if (!data.get("date") || !data.get("start") || !data.get("end")) return;
    // Not form.action: the buttons named "action" shadow that property.
    fetch(form.getAttribute("action") || window.location.pathname, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => {
        if (html !== null) target.innerHTML = html;
      })
      .catch(() => {});
  }
  form.addEventListener("change", (event) => {
    if (event.target.name && event.target.name.startsWith("reason_")) return;
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
})();
