// Two-step sign-up form; only one step section is visible at a time.
"use strict";

const steps = {
  details: document.getElementById("step-details"),
  preferences: document.getElementById("step-preferences"),
  done: document.getElementById("step-done"),
};
const fullName = document.getElementById("full-name");
const plan = document.getElementById("plan");
const emailUpdates = document.getElementById("email-updates");
const terms = document.getElementById("terms");
const detailsError = document.getElementById("details-error");
const termsError = document.getElementById("terms-error");

function show(name) {
  for (const [key, section] of Object.entries(steps)) {
    section.hidden = key !== name;
  }
  // Move focus to the new step's heading so keyboard and screen reader users follow along.
  steps[name].querySelector("h2").focus();
}

function showError(element, message) {
  element.textContent = "";
  element.hidden = false;
  element.textContent = message;
}

document.getElementById("details-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!fullName.value.trim()) {
    showError(detailsError, "Please enter your full name");
    fullName.focus();
    return;
  }
  detailsError.hidden = true;
  show("preferences");
});

document.getElementById("back").addEventListener("click", () => {
  termsError.hidden = true;
  show("details");
});

document.getElementById("preferences-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!terms.checked) {
    showError(termsError, "Please accept the terms");
    terms.focus();
    return;
  }
  termsError.hidden = true;
  document.getElementById("summary-name").textContent = `Name: ${fullName.value.trim()}`;
  document.getElementById("summary-plan").textContent = `Plan: ${plan.selectedOptions[0].text}`;
  document.getElementById("summary-updates").textContent = emailUpdates.checked
    ? "We will send you the newsletter."
    : "No newsletter for you.";
  show("done");
});
