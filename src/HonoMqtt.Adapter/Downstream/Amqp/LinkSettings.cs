namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>The per-link limits derived from <see cref="Options.MessagingOptions"/>.</summary>
internal sealed record LinkSettings(int MaxInFlight, TimeSpan SendTimeout, TimeSpan AttachTimeout, TimeProvider TimeProvider);
