// Sign-in page. The "backend" is this one hard-coded account; the signed-in
// user lives in sessionStorage, so every browser context starts signed out.
"use strict";

const ACCOUNT = { email: "alice@example.com", password: "wonderland", name: "Alice" };
const REMEMBER_KEY = "demo.rememberedEmail";

const form = document.getElementById("login-form");
const email = document.getElementById("email");
const password = document.getElementById("password");
const remember = document.getElementById("remember");
const error = document.getElementById("login-error");

const remembered = localStorage.getItem(REMEMBER_KEY);
if (remembered) {
  email.value = remembered;
  remember.checked = true;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const typedEmail = email.value.trim().toLowerCase();
  if (typedEmail !== ACCOUNT.email || password.value !== ACCOUNT.password) {
    // Empty it first so screen readers announce a repeated failure again.
    error.textContent = "";
    error.hidden = false;
    error.textContent = "Invalid email or password";
    password.focus();
    return;
  }
  if (remember.checked) {
    localStorage.setItem(REMEMBER_KEY, ACCOUNT.email);
  } else {
    localStorage.removeItem(REMEMBER_KEY);
  }
  sessionStorage.setItem("demo.user", JSON.stringify({ email: ACCOUNT.email, name: ACCOUNT.name }));
  location.assign("/dashboard.html");
});
