using FluentAssertions;
using HonoMqtt.Adapter.Diagnostics;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Diagnostics;

public sealed class MetricsTagsTests
{
    [TestCase(0, 4096, 0)]
    [TestCase(1, 0, 1)]
    [TestCase(1024, 4096, 4096)]
    [TestCase(4096, 4096, 4096)]
    [TestCase(10240, 4096, 12288)]
    [TestCase(10, -1, 10)]
    public void AccountedPayloadSize_RoundsUpToTheMinimumMessageSize(long size, int minimum, long expected) =>
        MetricsTags.AccountedPayloadSize(size, minimum).Should().Be(expected);

    [TestCase(ConnectRejection.AdapterConnectionsExceeded, "adapter-connections-exceeded")]
    [TestCase(ConnectRejection.TenantConnectionsExceeded, "tenant-connections-exceeded")]
    [TestCase(ConnectRejection.ConnectionDurationExceeded, "connection-duration-exceeded")]
    [TestCase(ConnectRejection.DataVolumeExceeded, "data-volume-exceeded")]
    [TestCase(ConnectRejection.RegistrationAssertionFailed, "registration-assertion-failure")]
    [TestCase(ConnectRejection.AdapterDisabled, "adapter-disabled")]
    [TestCase(ConnectRejection.BadCredentials, "unauthorized")]
    [TestCase(ConnectRejection.ServiceUnavailable, "unavailable")]
    [TestCase(ConnectRejection.TenantDisabled, "unknown")]
    [TestCase(ConnectRejection.OtherServiceError, "unknown")]
    [TestCase(ConnectRejection.Unexpected, "unknown")]
    [TestCase(ConnectRejection.ClientIdentifierNotValid, "unknown")]
    [TestCase(ConnectRejection.UnsupportedProtocolVersion, "unknown")]
    public void OutcomeOf_Rejection_IsHonosAttemptOutcome(ConnectRejection rejection, string outcome) =>
        MetricsTags.OutcomeOf(rejection).ToTag().Should().Be(outcome);

    [Test]
    public void OutcomeOf_HonoError_ClientErrorsAreUnprocessableOthersUndeliverable()
    {
        MetricsTags.OutcomeOf(null).ToTag().Should().Be("forwarded");
        MetricsTags.OutcomeOf(HonoError.BadRequest("x")).ToTag().Should().Be("unprocessable");
        MetricsTags.OutcomeOf(HonoError.TenantDisabledOrNotRegistered).ToTag().Should().Be("unprocessable");
        MetricsTags.OutcomeOf(HonoError.NoConsumer).ToTag().Should().Be("undeliverable");
        MetricsTags.OutcomeOf(HonoError.InternalError).ToTag().Should().Be("undeliverable");
    }

    [TestCase("telemetry/t1", "telemetry", "t1")]
    [TestCase("event/t1", "event", "t1")]
    [TestCase("command_response/t1/reply-1", "command_response", "t1")]
    [TestCase("telemetry", "telemetry", "UNKNOWN")]
    [TestCase("telemetry/", "telemetry", "UNKNOWN")]
    public void AddressTags_SplitTypeAndTenant(string address, string type, string tenant) =>
        MetricsTags.AddressTags(address).Should().Be((type, tenant));

    [Test]
    public void QosTag_IsZeroOneOrUnknown()
    {
        MetricsTags.QosTag(0).Should().Be("0");
        MetricsTags.QosTag(1).Should().Be("1");
        MetricsTags.QosTag(2).Should().Be("unknown");
    }
}
