namespace HonoMqtt.Adapter.Options;

/// <summary>
/// Options of section <c>hono:app</c>: the HTTP server for health checks and metrics (Hono's health check server,
/// common-config.md "Health Check Server Configuration").
/// </summary>
public sealed class AppOptions
{
    public const string Section = "hono:app";

    /// <summary>Port of <c>/liveness</c>, <c>/readiness</c>, <c>/started</c> and <c>/prometheus</c>; <c>0</c> picks a free one.</summary>
    public int HealthCheckPort { get; set; } = 8088;

    /// <summary>Interface of the health check port; in a container this has to be <c>0.0.0.0</c> for the kubelet to reach it.</summary>
    public string HealthCheckBindAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// ms within which a work item queued on the thread pool must run for <c>/liveness</c> to report UP. Hono's
    /// equivalent is the MQTT adapter's <c>eventLoopBlockedCheckTimeout</c> (vert.x event loop instead of the pool).
    /// </summary>
    public int LivenessTimeout { get; set; } = 5000;

    /// <summary>
    /// ms the adapter has to stop on SIGTERM: close the listeners and every connection, send each "disconnected"
    /// event, then close the messaging network. Keep it below the pod's <c>terminationGracePeriodSeconds</c>.
    /// </summary>
    public int ShutdownTimeout { get; set; } = 30_000;

    public IEnumerable<string> Validate()
    {
        if (HealthCheckPort is < 0 or > 65535)
        {
            yield return $"hono:app:healthCheckPort must be between 0 and 65535 (was {HealthCheckPort})";
        }

        if (!System.Net.IPAddress.TryParse(HealthCheckBindAddress, out _))
        {
            yield return $"hono:app:healthCheckBindAddress must be an IP address (was '{HealthCheckBindAddress}')";
        }

        if (ShutdownTimeout <= 0)
        {
            yield return $"hono:app:shutdownTimeout must be positive (was {ShutdownTimeout})";
        }

        if (LivenessTimeout <= 0)
        {
            yield return $"hono:app:livenessTimeout must be positive (was {LivenessTimeout})";
        }
    }
}
