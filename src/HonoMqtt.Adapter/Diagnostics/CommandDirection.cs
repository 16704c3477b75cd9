namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>The <c>direction</c> tag of the command meters [Hono MetricsTags.Direction].</summary>
public enum CommandDirection
{
    OneWay,
    Request,
    Response,
}
