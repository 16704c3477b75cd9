namespace HonoMqtt.Adapter.Protocol;

/// <summary>What part of a device's message an error is about, where the status alone does not tell (for MQTT 5 reason codes).</summary>
public enum HonoErrorKind
{
    General,

    /// <summary>The topic name: malformed, unknown endpoint, missing or foreign tenant/device segments.</summary>
    Topic,

    /// <summary>The payload does not match its content type.</summary>
    Payload,
}
