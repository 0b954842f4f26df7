// Dashboard: only for signed-in users (see login.js).
"use strict";

const user = JSON.parse(sessionStorage.getItem("demo.user") || "null");
if (!user) {
  location.replace("/login.html");
} else {
  document.getElementById("welcome").textContent = `Welcome, ${user.name}`;
}

document.getElementById("sign-out").addEventListener("click", () => {
  sessionStorage.clear();
  location.assign("/login.html");
});
