using MQTTnet.Protocol;

namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// The one table from a failed publish to the MQTT 5 PUBACK reason code that the device gets when the error does not
/// close its connection (<c>on-error=ignore</c>, or an error subscription). Hono sends 0x80 for all of them; we tell
/// the device what went wrong (see docs/compatibility.md). MQTT 3.1.1 PUBACKs carry no code.
/// </summary>
public static class PubAckTable
{
    public static MqttPubAckReasonCode ToReasonCode(HonoError error) => error switch
    {
        { Kind: HonoErrorKind.Topic } => MqttPubAckReasonCode.TopicNameInvalid,            // 0x90
        { Kind: HonoErrorKind.Payload } => MqttPubAckReasonCode.PayloadFormatInvalid,      // 0x99
        { Status: 401 or 403 } => MqttPubAckReasonCode.NotAuthorized,                      // 0x87
        { Status: 404 } => MqttPubAckReasonCode.NotAuthorized,                             // device/tenant not (or no longer) registered
        { Status: 413 } => MqttPubAckReasonCode.PayloadFormatInvalid,
        { Status: 429 } => MqttPubAckReasonCode.QuotaExceeded,                             // 0x97
        { Status: 503 } when error.Message == HonoError.ResourceLimitExceeded.Message => MqttPubAckReasonCode.QuotaExceeded,
        { Status: >= 400 and < 500 } => MqttPubAckReasonCode.ImplementationSpecificError,  // 0x83, e.g. the consumer rejected it
        _ => MqttPubAckReasonCode.UnspecifiedError,                                        // 0x80, 5xx: try again later
    };
}
