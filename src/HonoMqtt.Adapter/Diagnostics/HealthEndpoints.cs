using System.Text;
using System.Text.Json;
using HonoMqtt.Adapter.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>
/// Hono's health check server [monitoring-tracing-config.md, common-config.md]: <c>/started</c>, <c>/readiness</c>,
/// <c>/liveness</c> answer 200 (UP) or 503 (DOWN) with a SmallRye-Health-style JSON body, as Hono's Quarkus components
/// do; <c>/prometheus</c> serves the metrics.
/// </summary>
public static class HealthEndpoints
{
    public static void Map(WebApplication app)
    {
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var metrics = app.Services.GetRequiredService<PrometheusMetrics>();
        var options = app.Services.GetRequiredService<AppOptions>();
        var timeProvider = app.Services.GetRequiredService<TimeProvider>();

        app.MapGet("/started", () =>
            Health([("started", lifetime.ApplicationStarted.IsCancellationRequested, null)]));

        app.MapGet("/readiness", (IEnumerable<IReadinessCheck> checks) =>
        {
            // Not ready while stopping: the Service takes the pod out of rotation before its devices are disconnected.
            var results = checks.Select(c => (c.Name, c.IsReady, (string?)null)).ToList();
            results.Add(("not-stopping", !lifetime.ApplicationStopping.IsCancellationRequested, null));
            return Health(results);
        });

        app.MapGet("/liveness", async (CancellationToken cancellationToken) =>
        {
            var timeout = TimeSpan.FromMilliseconds(options.LivenessTimeout);
            var waited = await ThreadPoolProbe.MeasureAsync(timeProvider, timeout, cancellationToken).ConfigureAwait(false);
            var detail = waited is { } w ? $"work item started after {w.TotalMilliseconds:0.###} ms" : $"no work item started within {timeout.TotalMilliseconds} ms";
            return Health([("thread-pool", waited is not null, detail)]);
        });

        app.MapGet("/prometheus", () =>
        {
            var output = new StringBuilder(16 * 1024);
            metrics.WriteTo(output);
            return Results.Text(output.ToString(), PrometheusText.ContentType, Encoding.UTF8);
        });
    }

    private static IResult Health(IReadOnlyList<(string Name, bool Up, string? Detail)> checks)
    {
        var up = checks.All(c => c.Up);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", up ? "UP" : "DOWN");
            json.WriteStartArray("checks");
            foreach (var (name, checkUp, detail) in checks)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("status", checkUp ? "UP" : "DOWN");
                if (detail is not null)
                {
                    json.WriteStartObject("data");
                    json.WriteString("detail", detail);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Results.Text(Encoding.UTF8.GetString(buffer.ToArray()), "application/json", Encoding.UTF8,
            up ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
