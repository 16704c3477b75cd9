using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>Hono's tag values, spelled as its <c>MetricsTags</c> spells them, and the mappings onto them.</summary>
public static class MetricsTags
{
    /// <summary>The value of <c>tenant</c> (and <c>cipher-suite</c>) when it is not known.</summary>
    public const string Unknown = "UNKNOWN";

    /// <summary>MQTT has no "time till disconnect": <c>ttd</c> is always <c>none</c> [MetricsTags.TtdStatus].</summary>
    public const string TtdNone = "none";

    public static string ToTag(this ConnectionAttemptOutcome outcome) => outcome switch
    {
        ConnectionAttemptOutcome.Succeeded => "succeeded",
        ConnectionAttemptOutcome.AdapterConnectionsExceeded => "adapter-connections-exceeded",
        ConnectionAttemptOutcome.TenantConnectionsExceeded => "tenant-connections-exceeded",
        ConnectionAttemptOutcome.ConnectionDurationExceeded => "connection-duration-exceeded",
        ConnectionAttemptOutcome.DataVolumeExceeded => "data-volume-exceeded",
        ConnectionAttemptOutcome.RegistrationAssertionFailure => "registration-assertion-failure",
        ConnectionAttemptOutcome.AdapterDisabled => "adapter-disabled",
        ConnectionAttemptOutcome.Unauthorized => "unauthorized",
        ConnectionAttemptOutcome.Unavailable => "unavailable",
        _ => "unknown",
    };

    public static string ToTag(this ProcessingOutcome outcome) => outcome switch
    {
        ProcessingOutcome.Forwarded => "forwarded",
        ProcessingOutcome.Unprocessable => "unprocessable",
        _ => "undeliverable",
    };

    public static string ToTag(this CommandDirection direction) => direction switch
    {
        CommandDirection.OneWay => "one-way",
        CommandDirection.Request => "request",
        _ => "response",
    };

    /// <summary><c>type</c> of the telemetry meters: the endpoint's canonical name.</summary>
    public static string ToTypeTag(this HonoEndpoint endpoint) => endpoint switch
    {
        HonoEndpoint.Telemetry => "telemetry",
        HonoEndpoint.Event => "event",
        _ => "command",
    };

    /// <summary><c>qos</c>: <c>0</c>, <c>1</c> or <c>unknown</c> [MetricsTags.QoS].</summary>
    public static string QosTag(int qos) => qos switch
    {
        0 => "0",
        1 => "1",
        _ => "unknown",
    };

    /// <summary>Hono's rule [ProcessingOutcome.from]: client errors are unprocessable, everything else undeliverable.</summary>
    public static ProcessingOutcome OutcomeOf(HonoError? error) => error switch
    {
        null => ProcessingOutcome.Forwarded,
        { IsClientError: true } => ProcessingOutcome.Unprocessable,
        _ => ProcessingOutcome.Undeliverable,
    };

    /// <summary>Hono's mapping of a refused CONNECT onto the attempt outcome [AbstractProtocolAdapterBase.getOutcome].</summary>
    public static ConnectionAttemptOutcome OutcomeOf(ConnectRejection rejection) => rejection switch
    {
        ConnectRejection.AdapterConnectionsExceeded => ConnectionAttemptOutcome.AdapterConnectionsExceeded,
        ConnectRejection.TenantConnectionsExceeded => ConnectionAttemptOutcome.TenantConnectionsExceeded,
        ConnectRejection.ConnectionDurationExceeded => ConnectionAttemptOutcome.ConnectionDurationExceeded,
        ConnectRejection.DataVolumeExceeded => ConnectionAttemptOutcome.DataVolumeExceeded,
        ConnectRejection.RegistrationAssertionFailed => ConnectionAttemptOutcome.RegistrationAssertionFailure,
        ConnectRejection.AdapterDisabled => ConnectionAttemptOutcome.AdapterDisabled,
        ConnectRejection.BadCredentials => ConnectionAttemptOutcome.Unauthorized,
        ConnectRejection.ServiceUnavailable => ConnectionAttemptOutcome.Unavailable,

        // A disabled tenant is a 403 without its own outcome in Hono; so are protocol and client id errors.
        _ => ConnectionAttemptOutcome.Unknown,
    };

    /// <summary>
    /// The payload size as Hono accounts for it [ServiceBaseUtils.calculatePayloadSize]: rounded up to a multiple of the
    /// tenant's <c>minimum-message-size</c> when that is positive (an empty payload stays 0).
    /// </summary>
    public static long AccountedPayloadSize(long payloadSize, int minimumMessageSize)
    {
        if (minimumMessageSize <= 0 || payloadSize <= 0)
        {
            return payloadSize;
        }

        var remainder = payloadSize % minimumMessageSize;
        return remainder == 0 ? payloadSize : payloadSize + (minimumMessageSize - remainder);
    }

    /// <summary>
    /// Splits a Hono address (<c>telemetry/TENANT</c>, <c>command_response/TENANT/ID</c>) into the <c>type</c> and
    /// <c>tenant</c> tags of the <c>hono.amqp.*</c> meters.
    /// </summary>
    public static (string Type, string Tenant) AddressTags(string address)
    {
        var slash = address.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return (address, Unknown);
        }

        var end = address.IndexOf('/', slash + 1);
        var tenant = end < 0 ? address[(slash + 1)..] : address[(slash + 1)..end];
        return (address[..slash], tenant.Length == 0 ? Unknown : tenant);
    }
}
