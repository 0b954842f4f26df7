// v2 only: the "Sign in with SSO" button, which has no identity provider behind it.
"use strict";

document.getElementById("sso").addEventListener("click", () => {
  const error = document.getElementById("login-error");
  error.textContent = "";
  error.hidden = false;
  error.textContent = "SSO is not configured";
});
