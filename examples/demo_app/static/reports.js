// Reports come from GET /api/reports, which the demo server answers after a short delay.
"use strict";

const status = document.getElementById("reports-status");
const table = document.getElementById("reports-table");
const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

function cell(tag, text, className) {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

async function load() {
  try {
    const response = await fetch("/api/reports");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { reports } = await response.json();
    table.tBodies[0].replaceChildren(
      ...reports.map((report) => {
        const row = document.createElement("tr");
        const month = cell("th", report.month);
        month.scope = "row";
        row.append(month, cell("td", String(report.orders), "num"), cell("td", money.format(report.revenue), "num"));
        return row;
      }),
    );
    table.hidden = false;
    status.textContent = `${reports.length} ${reports.length === 1 ? "report" : "reports"} loaded`;
  } catch {
    status.setAttribute("role", "alert");
    status.textContent = "Could not load reports";
  }
}

load();
