using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>
/// Hono's health check server [monitoring-tracing-config.md, common-config.md]; so far <c>/prometheus</c> only.
/// </summary>
public static class HealthEndpoints
{
    public static void Map(WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<PrometheusMetrics>();

        app.MapGet("/prometheus", () =>
        {
            var output = new StringBuilder(16 * 1024);
            metrics.WriteTo(output);
            return Results.Text(output.ToString(), PrometheusText.ContentType, Encoding.UTF8);
        });
    }
}
