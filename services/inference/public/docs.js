// Renders /openapi.json with the Swagger UI bundle served by this server (no CDN).
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  tryItOutEnabled: true,
});
