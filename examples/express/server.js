// The seed page's Node/Express example, unchanged but for the base URL, which comes
// from LANGGAN_URL (default http://localhost:3000) instead of https://api.astapa.com.
//
//   LANGGAN_URL=http://localhost:3000 ASTAPA_CLIENT_ID=… ASTAPA_CLIENT_SECRET=… node examples/express/server.js
//   then open http://localhost:4000/billing
import express from "express";

const LANGGAN_URL = process.env.LANGGAN_URL ?? "http://localhost:3000";
const app = express();

// Stand-in for your own login: every request is user_abc123 (or ?as=<id> for testing).
app.use((req, res, next) => {
  req.user = { id: req.query.as ?? "user_abc123" };
  next();
});

// Node.js / Express example
app.get("/billing", async (req, res) => {
const response = await fetch(`${LANGGAN_URL}/api/platform/portal/sessions`, {
method: "POST",
headers: { "Content-Type": "application/json" },
body: JSON.stringify({
client_id: process.env.ASTAPA_CLIENT_ID,
client_secret: process.env.ASTAPA_CLIENT_SECRET,
end_user_id: req.user.id,
}),
});
const { portal_url } = await response.json();
res.redirect(portal_url + "&redirect_uri=https://myapp.com/dashboard");
});

const port = Number(process.env.PORT ?? 4000);
const server = app.listen(port, "127.0.0.1", () => {
  console.log(`example app on http://127.0.0.1:${server.address().port}/billing`);
});
