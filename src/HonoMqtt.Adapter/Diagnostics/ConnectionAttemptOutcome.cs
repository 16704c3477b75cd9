namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>The <c>outcome</c> tag of <c>hono.connections.attempts</c> [Hono MetricsTags.ConnectionAttemptOutcome].</summary>
public enum ConnectionAttemptOutcome
{
    Succeeded,
    AdapterConnectionsExceeded,
    TenantConnectionsExceeded,
    ConnectionDurationExceeded,
    DataVolumeExceeded,
    RegistrationAssertionFailure,
    AdapterDisabled,
    Unauthorized,
    Unavailable,
    Unknown,
}
