// Every firm's progress against its deadline (the leaders' map, the firm page). The figures, the expected
// share and the verdict come from the service (/api/v1/field/progress); this module only draws a table
// with a bar per firm (what is inspected, and a mark where the straight line to the deadline says it
// should be by today).
import { getJson, me, num, pct } from "/web/api.js";
import { el } from "/web/dom.js";

const STATUS_COLOURS = { done: "#009e73", on_track: "#009e73", behind: "#d55e00", overdue: "#d55e00" };

function bar(f) {
  const track = el("div", { className: "progress-track" });
  Object.assign(track.style, { position: "relative", height: "0.7rem", background: "#e4e7eb", borderRadius: "3px",
                               minWidth: "3.5rem" });  // prettier-ignore
  const fill = el("div", { className: "progress-fill" });
  Object.assign(fill.style, { position: "absolute", left: 0, top: 0, bottom: 0, width: `${Math.min(1, f.share) * 100}%`,
                              background: STATUS_COLOURS[f.status] || "#0072b2", borderRadius: "3px" });  // prettier-ignore
  track.append(fill);
  if (f.expected_share !== null) {
    const mark = el("div", { className: "progress-expected", title: `按直线进度今日应完成 ${pct(f.expected_share, 0)}` });
    Object.assign(mark.style, { position: "absolute", top: "-3px", bottom: "-3px", width: "2px", background: "#1f2933",
                                left: `calc(${Math.min(1, f.expected_share) * 100}% - 1px)` });  // prettier-ignore
    track.append(mark);
  }
  track.setAttribute("aria-label", `已检查 ${pct(f.share, 0)}，今日应完成 ${pct(f.expected_share, 0)}`);
  return track;
}

/**
 * Fill `box` with the progress of the firms the caller may see (`firmId`: that firm only), under `title`. Resolves to the
 * service's answer, or null when the caller may not see field work (the box is then hidden).
 */
export async function showProgress(box, { firmId = null, title = "各检查机构进度" } = {}) {
  let data;
  try {
    data = await getJson("/api/v1/field/progress");
  } catch (err) {
    box.hidden = true;
    box.dataset.state = err.status === 403 ? "forbidden" : "error";
    return null;
  }
  const firms = data.firms.filter((f) => firmId === null || f.firm_id === firmId);
  const table = el("table", { className: "field-progress" });
  Object.assign(table.style, { width: "100%", borderCollapse: "collapse", fontSize: ".72rem", lineHeight: "1.3" });
  const head = el("tr");
  for (const h of ["组别", "抽取", "已检查", "已审核", "完成率", "应完成", "剩余", "状态"]) head.append(el("th", { text: h }));
  table.append(el("thead"), el("tbody"));
  for (const cell of head.children) Object.assign(cell.style, { padding: ".2rem .15rem", textAlign: "left", fontWeight: "600" });
  table.tHead.append(head);
  for (const f of firms) {
    const row = el("tr", { dataset: { firm: f.firm_id, status: f.status } });
    const name = el("td", { text: f.group_name, title: f.firm_name });
    const shareCell = el("td", {}, bar(f), el("small", { text: pct(f.share, 0) }));
    const status = el("td", { text: f.status_label, className: `status ${f.status}` });
    status.style.color = STATUS_COLOURS[f.status] || "";
    const days = f.days_left === null ? "—" : f.days_left < 0 ? `逾期${num(-f.days_left)}天` : `${num(f.days_left)}天`;
    const cells = [num(f.drawn), num(f.inspected), num(f.approved)].map((text) => el("td", { text }));
    row.append(name, ...cells, shareCell, el("td", { text: pct(f.expected_share, 0) }), el("td", { text: days }), status);
    for (const cell of row.children) Object.assign(cell.style, { padding: ".2rem .15rem", whiteSpace: "nowrap" });
    table.tBodies[0].append(row);
  }
  const deadline = firms.find((f) => f.deadline)?.deadline;
  const caption = el("p", { className: "note", text: `今天 ${data.today}` + (deadline ? `，截止日期 ${deadline}` : "") +
    `。已检查 = 已提交 + 审核通过；“应完成”为今日按外业开始日至截止日期的直线应完成的比例（竖线），低于它 ${pct(data.tolerance, 0)} 以上为“进度滞后”。` +
    (data.synthetic ? "（合成演示数据）" : "") });  // prettier-ignore
  box.replaceChildren(el(firmId === null ? "h2" : "h3", { text: title }), firms.length ? table : el("p", { className: "note", text: "暂无已发布抽样的外业。" }), caption);
  box.hidden = false;
  box.dataset.state = "ready";
  return data;
}

/** The leaders' map: a progress section in the side panel (none for callers without field.read). */
export async function addProgressToPanel() {
  const box = el("section", { id: "field-progress", hidden: true });
  const panel = document.getElementById("panel");
  panel.insertBefore(box, document.getElementById("crs-note"));
  const who = await me();
  if (!who.permissions.includes("field.read")) { // city and county offices: no panel, no refused request
    box.dataset.state = "forbidden";
    return null;
  }
  return showProgress(box);
}
