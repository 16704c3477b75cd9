using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// The one table from connect failures to CONNACK codes [Hono AbstractVertxBasedMqttProtocolAdapter
/// getMqtt3ConnackReturnCode / getMqtt5ConnackReasonCode]. MQTTnet derives the 3.1.1 return code from the
/// 5.0 reason code, and maps every code it does not know to 0x01; so for 3.1.1 clients only codes with an
/// exact 3.1.1 counterpart are used.
/// </summary>
public static class ConnackTable
{
    public static MqttConnectReasonCode ToReasonCode(ConnectRejection rejection, MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V500 ? ForMqtt5(rejection) : ForMqtt311(rejection);

    private static MqttConnectReasonCode ForMqtt5(ConnectRejection rejection) => rejection switch
    {
        ConnectRejection.AdapterConnectionsExceeded => MqttConnectReasonCode.UseAnotherServer,       // 0x9C
        ConnectRejection.BadCredentials => MqttConnectReasonCode.BadUserNameOrPassword,             // 0x86
        ConnectRejection.TenantDisabled => MqttConnectReasonCode.NotAuthorized,                     // 0x87
        ConnectRejection.AdapterDisabled => MqttConnectReasonCode.NotAuthorized,
        ConnectRejection.RegistrationAssertionFailed => MqttConnectReasonCode.NotAuthorized,
        ConnectRejection.TenantConnectionsExceeded => MqttConnectReasonCode.QuotaExceeded,          // 0x97
        ConnectRejection.ConnectionDurationExceeded => MqttConnectReasonCode.QuotaExceeded,
        ConnectRejection.DataVolumeExceeded => MqttConnectReasonCode.QuotaExceeded,
        ConnectRejection.ServiceUnavailable => MqttConnectReasonCode.ServerUnavailable,             // 0x88
        ConnectRejection.OtherServiceError => MqttConnectReasonCode.NotAuthorized,
        ConnectRejection.ClientIdentifierNotValid => MqttConnectReasonCode.ClientIdentifierNotValid, // 0x85
        ConnectRejection.UnsupportedProtocolVersion => MqttConnectReasonCode.UnsupportedProtocolVersion,
        _ => MqttConnectReasonCode.UnspecifiedError,                                                // 0x80
    };

    private static MqttConnectReasonCode ForMqtt311(ConnectRejection rejection) => rejection switch
    {
        ConnectRejection.AdapterConnectionsExceeded => MqttConnectReasonCode.ServerUnavailable,     // 0x03
        ConnectRejection.BadCredentials => MqttConnectReasonCode.BadUserNameOrPassword,             // 0x04
        ConnectRejection.ServiceUnavailable => MqttConnectReasonCode.ServerUnavailable,             // 0x03
        ConnectRejection.ClientIdentifierNotValid => MqttConnectReasonCode.ClientIdentifierNotValid, // 0x02
        ConnectRejection.UnsupportedProtocolVersion => MqttConnectReasonCode.UnsupportedProtocolVersion, // 0x01
        _ => MqttConnectReasonCode.NotAuthorized,                                                   // 0x05
    };
}
