// The area picker of the user pages: typing part of an area's name into an input with
// data-area-search="<url>" lists the matching areas inside the administrator's own (asked of
// that URL, with the form's chosen role); choosing one puts its name in the input and its code
// in the form's hidden "scope" field. Typing again clears the choice. Without this script the
// name typed is looked up by the server.
(function () {
  "use strict";
  for (const input of document.querySelectorAll("input[data-area-search]")) {
    const form = input.form;
    const hidden = form.querySelector("input[type=hidden][name=scope]");
    const role = form.querySelector("select[name=role]");
    const list = document.createElement("ul");
    list.className = "area-results";
    list.setAttribute("aria-live", "polite");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    let timer = 0;
    let asked = 0;

    const show = (results) => {
      list.replaceChildren();
      if (!results.length) {
        const li = document.createElement("li");
        li.className = "muted";
        li.textContent = input.dataset.empty;
        list.append(li);
      }
      for (const area of results) {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.dataset.code = area.code;
        button.textContent = area.name;
        const what = document.createElement("span");
        what.className = "muted";
        what.textContent = ` ${area.label}${area.within ? " · " + area.within : ""}`;
        button.append(what);
        button.addEventListener("click", () => {
          input.value = area.name;
          hidden.value = area.code;
          list.hidden = true;
        });
        li.append(button);
        list.append(li);
      }
      list.hidden = false;
    };

    const ask = async () => {
      const text = input.value.trim();
      if (!text) {
        list.hidden = true;
        return;
      }
      const mine = ++asked;
      const url = new URL(input.dataset.areaSearch, window.location.href);
      url.searchParams.set("q", text);
      if (role && role.value) url.searchParams.set("role", role.value);
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || mine !== asked) return;
      show((await response.json()).results);
    };

    input.addEventListener("input", () => {
      if (hidden) hidden.value = "";
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 200);
    });
    if (role) role.addEventListener("change", () => { if (!hidden || !hidden.value) ask(); });
  }
})();
