using Microsoft.Extensions.Logging;
using MQTTnet.Diagnostics.Logger;

namespace HonoMqtt.Adapter.Mqtt;

/// <summary>
/// Routes MQTTnet's own log lines to our logging, one level down: MQTTnet reports a misbehaving client as an error,
/// which for an adapter on the internet is an ordinary event.
/// </summary>
public sealed class MqttNetLoggerAdapter(ILogger logger) : IMqttNetLogger
{
    public bool IsEnabled => logger.IsEnabled(LogLevel.Debug);

    public void Publish(MqttNetLogLevel level, string source, string message, object[] parameters, Exception exception)
    {
        var mapped = level switch
        {
            MqttNetLogLevel.Error => LogLevel.Warning,
            MqttNetLogLevel.Warning => LogLevel.Debug,
            MqttNetLogLevel.Info => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        if (!logger.IsEnabled(mapped))
        {
            return;
        }

        var text = parameters is { Length: > 0 } ? string.Format(System.Globalization.CultureInfo.InvariantCulture, message, parameters) : message;
#pragma warning disable CA2254 // MQTTnet's messages are preformatted
        logger.Log(mapped, exception, "[{Source}] {Message}", source, text);
#pragma warning restore CA2254
    }
}
