// Todo list kept in localStorage. Items are rebuilt from state on every change.
"use strict";

const STORAGE_KEY = "demo.todos";

const form = document.getElementById("add-form");
const input = document.getElementById("new-todo");
const list = document.getElementById("todo-list");
const empty = document.getElementById("empty");
const count = document.getElementById("todo-count");
const clearAll = document.getElementById("clear-all");
const confirmDialog = document.getElementById("confirm-clear");

let todos = JSON.parse(localStorage.getItem(STORAGE_KEY) || "[]");
let nextId = todos.reduce((max, todo) => Math.max(max, todo.id), 0) + 1;

function save() {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(todos));
}

function renderItem(todo) {
  const item = document.createElement("li");
  item.dataset.id = String(todo.id);
  item.classList.toggle("done", todo.done);

  const checkbox = document.createElement("input");
  checkbox.type = "checkbox";
  checkbox.checked = todo.done;
  checkbox.setAttribute("aria-label", `Complete ${todo.text}`);
  checkbox.addEventListener("change", () => {
    todo.done = checkbox.checked;
    update();
  });

  const text = document.createElement("span");
  text.className = "text";
  text.textContent = todo.text;

  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "icon delete";  // its "×" glyph comes from style.css
  remove.setAttribute("aria-label", `Delete ${todo.text}`);
  remove.addEventListener("click", () => {
    todos = todos.filter((t) => t.id !== todo.id);
    update();
    input.focus();
  });

  item.append(checkbox, text, remove);
  return item;
}

function render() {
  list.replaceChildren(...todos.map(renderItem));
  list.hidden = todos.length === 0;
  empty.hidden = todos.length !== 0;
  clearAll.disabled = todos.length === 0;
  const left = todos.filter((t) => !t.done).length;
  count.textContent = `${left} ${left === 1 ? "item" : "items"} left`;
}

function update() {
  save();
  render();
}

// A submit event covers both the Add button and Enter in the text field.
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  todos.push({ id: nextId++, text, done: false });
  input.value = "";
  update();
  input.focus();
});

clearAll.addEventListener("click", () => {
  confirmDialog.returnValue = "";  // Escape closes without a value: counts as Cancel
  confirmDialog.showModal();
});

confirmDialog.addEventListener("close", () => {
  if (confirmDialog.returnValue === "confirm") {
    todos = [];
    update();
  }
  input.focus();
});

render();
