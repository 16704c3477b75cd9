using FluentAssertions;
using HonoMqtt.Adapter.Protocol;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Protocol;

public sealed class ConnackTableTests
{
    // Rows of spec mqtt-adapter.md §2.4. MQTTnet writes the 3.1.1 return code from the 5.0 code we set:
    // ServerUnavailable → 0x03, BadUserNameOrPassword → 0x04, NotAuthorized → 0x05, ClientIdentifierNotValid → 0x02.
    [TestCase(ConnectRejection.AdapterConnectionsExceeded, MqttConnectReasonCode.ServerUnavailable, MqttConnectReasonCode.UseAnotherServer)]
    [TestCase(ConnectRejection.BadCredentials, MqttConnectReasonCode.BadUserNameOrPassword, MqttConnectReasonCode.BadUserNameOrPassword)]
    [TestCase(ConnectRejection.TenantDisabled, MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.NotAuthorized)]
    [TestCase(ConnectRejection.AdapterDisabled, MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.NotAuthorized)]
    [TestCase(ConnectRejection.RegistrationAssertionFailed, MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.NotAuthorized)]
    [TestCase(ConnectRejection.TenantConnectionsExceeded, MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.QuotaExceeded)]
    [TestCase(ConnectRejection.ConnectionDurationExceeded, MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.QuotaExceeded)]
    [TestCase(ConnectRejection.DataVolumeExceeded, MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.QuotaExceeded)]
    [TestCase(ConnectRejection.ServiceUnavailable, MqttConnectReasonCode.ServerUnavailable, MqttConnectReasonCode.ServerUnavailable)]
    [TestCase(ConnectRejection.OtherServiceError, MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.NotAuthorized)]
    [TestCase(ConnectRejection.Unexpected, MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.UnspecifiedError)]
    [TestCase(ConnectRejection.ClientIdentifierNotValid, MqttConnectReasonCode.ClientIdentifierNotValid, MqttConnectReasonCode.ClientIdentifierNotValid)]
    [TestCase(ConnectRejection.UnsupportedProtocolVersion, MqttConnectReasonCode.UnsupportedProtocolVersion, MqttConnectReasonCode.UnsupportedProtocolVersion)]
    public void ToReasonCode_EachRejection_MapsToHonosCodes(ConnectRejection rejection, MqttConnectReasonCode v311, MqttConnectReasonCode v5)
    {
        ConnackTable.ToReasonCode(rejection, MqttProtocolVersion.V311).Should().Be(v311);
        ConnackTable.ToReasonCode(rejection, MqttProtocolVersion.V500).Should().Be(v5);
    }

    [Test]
    public void ToReasonCode_EveryRejectionForMqtt311_HasAnExact311ReturnCode()
    {
        // MQTTnet turns any other 5.0 code into 0x01 "unacceptable protocol version" for 3.1.1 clients.
        MqttConnectReasonCode[] exact =
        [
            MqttConnectReasonCode.ServerUnavailable, MqttConnectReasonCode.BadUserNameOrPassword, MqttConnectReasonCode.NotAuthorized,
            MqttConnectReasonCode.ClientIdentifierNotValid, MqttConnectReasonCode.UnsupportedProtocolVersion,
        ];

        foreach (var rejection in Enum.GetValues<ConnectRejection>())
        {
            exact.Should().Contain(ConnackTable.ToReasonCode(rejection, MqttProtocolVersion.V311), rejection.ToString());
        }
    }
}
