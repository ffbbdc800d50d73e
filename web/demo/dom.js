// Small DOM helpers. Every string becomes text, never HTML, so nothing typed in the page can inject markup.

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "data") Object.assign(node.dataset, v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k in node && typeof v !== "string") node[k] = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// setValue writes a control's value only when it differs, so redrawing while a person types
// keeps the caret where it is.
export function setValue(control, v) {
  if (control.type === "checkbox" || control.type === "radio") {
    if (control.checked !== !!v) control.checked = !!v;
  } else if (control.value !== v) {
    control.value = v;
  }
}

export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// showMessage fills an error/note paragraph and hides it when there is nothing to say.
export function showMessage(node, text) {
  setText(node, text || "");
  node.hidden = !text;
}

const optionKeys = new WeakMap();

// fillSelect gives a select these [value, text] options (rebuilt only when they change) and selects want.
export function fillSelect(select, options, want) {
  const key = JSON.stringify(options);
  if (optionKeys.get(select) !== key) {
    select.replaceChildren(...options.map(([v, t]) => el("option", { value: v, text: t })));
    optionKeys.set(select, key);
  }
  const values = options.map(([v]) => v);
  select.value = values.includes(want) ? want : values[0] ?? "";
}
