namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>The <c>status</c> tag of the telemetry and command meters [Hono MetricsTags.ProcessingOutcome].</summary>
public enum ProcessingOutcome
{
    Forwarded,

    /// <summary>A client error (4xx): the message can never be processed as sent.</summary>
    Unprocessable,

    /// <summary>Any other failure (e.g. 503 from the messaging network).</summary>
    Undeliverable,
}
