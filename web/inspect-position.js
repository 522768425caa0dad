// The inspection form's positions (web/inspect.js): the phone's position from the browser's geolocation,
// and its distance to the house.

const EARTH_M = 6371008.8; // mean Earth radius

/** A time as ISO 8601 with the phone's UTC offset (2026-12-03T10:15:00+08:00). */
function localIso(d) {
  const off = -d.getTimezoneOffset(), p = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const t = new Date(d.getTime() + off * 60000).toISOString().slice(0, 19);
  return `${t}${off >= 0 ? "+" : "-"}${p(off / 60)}:${p(off % 60)}`;
}

/** Metres on the sphere between two lon/lat points (haversine). */
export function metres(a, b) {
  const r = Math.PI / 180, dLat = (b.lat - a.lat) * r, dLon = (b.lon - a.lon) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The phone's position now: lon/lat (7 decimals), accuracy, CRS and time; rejects with a Chinese message. */
export function locate() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new Error("此浏览器不能定位。"));
    navigator.geolocation.getCurrentPosition((p) => resolve({
      lon: Number(p.coords.longitude.toFixed(7)), lat: Number(p.coords.latitude.toFixed(7)),
      accuracy_m: Math.round(p.coords.accuracy * 10) / 10, crs: "EPSG:4326", at: localIso(new Date(p.timestamp)),
    }), (e) => reject(new Error(e.code === 1 ? "未允许定位：请在浏览器设置中允许本网站使用位置信息。"
      : "暂时无法定位，请到开阔处后点“重新定位”。")), { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 });
  });
}
