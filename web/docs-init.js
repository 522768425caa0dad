// Starts the API documentation pages (/docs, /redoc; service/core/docs.py) from the bundles vendored in
// /web/vendor/, so that the pages need no inline script: the container names the OpenAPI document in
// its data-openapi-url.

const swagger = document.getElementById("swagger-ui");
const redoc = document.getElementById("redoc");

if (swagger) {
  window.SwaggerUIBundle({
    url: swagger.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null, // the default sends the document to validator.swagger.io for a badge
  });
} else if (redoc) {
  window.Redoc.init(redoc.dataset.openapiUrl, {}, redoc);
}
