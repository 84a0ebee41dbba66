// Configuration form: fills the identifier from the name until the user
// edits the identifier, and shows only the pagination fields of the chosen
// kind of pagination.
(function () {
  "use strict";

  const form = document.getElementById("configuration-form");
  if (!form) {
    return;
  }

  function slugify(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9\s_-]/g, "")
      .trim()
      .replace(/[\s-]+/g, "-")
      .slice(0, 90);
  }

  const name = form.querySelector("[name=name]");
  const identifier = form.querySelector("[name=identifier]");
  let autoIdentifier = form.dataset.identifierAuto === "true";
  if (name && identifier) {
    name.addEventListener("input", function () {
      if (autoIdentifier) {
        identifier.value = slugify(name.value);
      }
    });
    identifier.addEventListener("input", function () {
      autoIdentifier = identifier.value === "";
    });
  }

  const pagination = form.querySelector("[name=pagination]");
  function showPaginationFields() {
    form.querySelectorAll("[data-pagination]").forEach(function (row) {
      const kinds = row.dataset.pagination.split(" ");
      // A row with an error stays visible so the message can be read.
      row.hidden =
        !kinds.includes(pagination.value) && !row.querySelector(".is-invalid");
    });
  }
  if (pagination) {
    pagination.addEventListener("change", showPaginationFields);
    showPaginationFields();
  }
})();
