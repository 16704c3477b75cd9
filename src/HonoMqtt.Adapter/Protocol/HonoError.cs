namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// An expected failure, carrying Hono's HTTP-style status code and the client-facing text.
/// Translated to MQTT only in the CONNACK and PUBACK/disconnect tables.
/// </summary>
public readonly record struct HonoError(int Status, string Message, HonoErrorKind Kind = HonoErrorKind.General)
{
    /// <summary>The same error, marked as caused by the topic name (for MQTT 5's "topic name invalid").</summary>
    public HonoError AsTopicError() => this with { Kind = HonoErrorKind.Topic };

    public bool IsClientError => Status is >= 400 and < 500;

    public bool IsServerError => Status >= 500;

    // Texts follow Hono's ServiceInvocationException_messages.properties.
    public static HonoError NoConsumer => new(503, "no consumer available");

    public static HonoError NotProcessed => new(503, "consumer didn't process the message");

    public static HonoError ResourceLimitExceeded =>
        new(503, "consumer rejected the message because a resource limit was exceeded, possibly a (tenant-specific) queue size limit");

    public static HonoError SendTimeout => new(503, "consumer failed to indicate in time whether it has processed the message");

    public static HonoError Undeliverable => new(404, "consumer declared message as undeliverable, it should not be redelivered");

    public static HonoError TemporarilyUnavailable => new(503, "Temporarily unavailable");

    public static HonoError InternalError => new(500, "Internal server error");

    public static HonoError DeviceDisabledOrNotRegistered => new(404, "device is disabled or not registered");

    public static HonoError GatewayDisabledOrNotRegistered => new(403, "gateway is disabled or not registered");

    public static HonoError TenantDisabledOrNotRegistered => new(403, "tenant is disabled or not registered");

    public static HonoError AdapterDisabled => new(403, "adapter is disabled");

    public static HonoError BadCredentials => new(401, "bad credentials");

    public static HonoError BadRequest(string message) => new(400, message);

    public override string ToString() => $"{Status} {Message}";
}
