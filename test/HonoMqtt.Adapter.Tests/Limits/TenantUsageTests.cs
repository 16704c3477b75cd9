using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using HonoMqtt.Adapter.Limits;
using HonoMqtt.Adapter.Mqtt;
using HonoMqtt.Adapter.Registry;
using MQTTnet.Formatter;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Limits;

public sealed class TenantUsageTests
{
    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Since = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);

    private static TenantInfo Tenant(PeriodicLimit? volume = null, PeriodicLimit? duration = null, int minimumMessageSize = 0) =>
        new("t", true, null, null, minimumMessageSize, new ResourceLimits(DataVolume: volume, ConnectionDuration: duration), null);

    // Pro-rating computed by hand: 15 of November's 30 days are left after the 16th, so half the limit.
    [TestCase("2026-11-20T00:00:00Z", 3000, 1500, TestName = "first, partial month: pro-rated")]
    [TestCase("2026-12-05T00:00:00Z", 3000, 3000, TestName = "a later month: the full limit")]
    [TestCase("2026-11-01T00:00:00Z", 3000, 0, TestName = "before effective-since: nothing")]
    public void EffectiveLimit_Monthly_FollowsHono(string now, long max, long expected) =>
        new PeriodicLimit(Since, max, Monthly: true, 0).EffectiveLimit(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(expected);

    [Test]
    public void PeriodStart_Days_CountsFromEffectiveSince()
    {
        var limit = new PeriodicLimit(Since, 10, Monthly: false, NoOfDays: 7);

        limit.PeriodStart(Since.AddDays(15)).Should().Be(Since.AddDays(14));
        limit.EffectiveLimit(Since.AddDays(15)).Should().Be(10);
    }

    [TestCase(1024, 4096)]
    [TestCase(10 * 1024, 12288)]
    [TestCase(4096, 4096)]
    [TestCase(0, 0)]
    public void AccountedSize_RoundsUpToTheMinimumMessageSize(long size, long expected) =>
        TenantUsage.AccountedSize(Tenant(minimumMessageSize: 4096), size).Should().Be(expected);

    [Test]
    public void DataVolumeExceeded_CountsWithinThePeriodAndStartsAfreshInTheNext()
    {
        var time = new ManualTime(Since.AddDays(1));
        var usage = new TenantUsage(new SessionTracker(), time);
        var tenant = Tenant(volume: new PeriodicLimit(Since, 100, Monthly: false, NoOfDays: 7));

        usage.AddPayload(tenant, 60);
        usage.DataVolumeExceeded(tenant, 40).Should().BeFalse("60 + 40 is not more than 100");
        usage.DataVolumeExceeded(tenant, 41).Should().BeTrue();
        usage.DataVolumeExceeded(tenant, 0).Should().BeFalse("an empty payload never exceeds");

        time.Now = Since.AddDays(8);
        usage.DataVolumeExceeded(tenant, 41).Should().BeFalse("a new period");
    }

    [Test]
    public void ConnectionDurationExceeded_CountsOpenAndEndedSessions()
    {
        var time = new ManualTime(Since.AddDays(1));
        var sessions = new SessionTracker();
        var usage = new TenantUsage(sessions, time);
        var tenant = Tenant(duration: new PeriodicLimit(Since, 10, Monthly: false, NoOfDays: 30));
        var first = new DeviceSession(new DeviceIdentity("t", "d", "a"), "c1", MqttProtocolVersion.V311, null, time.Now);
        sessions.TryClaim(first).Should().BeTrue();

        time.Now += TimeSpan.FromMinutes(6);
        usage.ConnectionDurationExceeded(tenant).Should().BeFalse("6 of 10 minutes");
        first.TryEnd();
        usage.SessionEnded(first, tenant);
        sessions.Remove(first);
        var second = new DeviceSession(new DeviceIdentity("t", "d", "a"), "c2", MqttProtocolVersion.V311, null, time.Now);
        sessions.TryClaim(second).Should().BeTrue();
        time.Now += TimeSpan.FromMinutes(4);

        usage.ConnectionDurationExceeded(tenant).Should().BeTrue("6 ended + 4 open = 10 minutes");
    }
}
