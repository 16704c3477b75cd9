using FluentAssertions;
using HonoMqtt.Adapter.Mqtt;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Mqtt;

public sealed class PacketSizeGuardTests
{
    [Test]
    public void Advance_PacketsWithinTheLimit_AreAllowedAcrossChunks()
    {
        var guard = new PacketSizeGuard(200);
        byte[] stream = [0x10, 0x02, 0xAA, 0xBB, 0xC0, 0x00, 0x30, 0xC8, 0x01, .. new byte[200]];

        foreach (var b in stream)
        {
            guard.Advance([b]).Should().BeTrue();
        }
    }

    [Test]
    public void Advance_LengthAboveTheLimit_IsRefused()
    {
        var guard = new PacketSizeGuard(200);

        guard.Advance([0x30, 0xC9, 0x01]).Should().BeFalse("201 > 200");
    }

    [Test]
    public void Advance_HugeAnnouncedLength_IsRefusedAtTheFirstLengthByteThatExceeds()
    {
        var guard = new PacketSizeGuard(2176);

        guard.Advance([0x10, 0xFF]).Should().BeTrue("127 so far");
        guard.Advance([0xFF]).Should().BeFalse("already beyond the limit whatever follows");
    }

    [Test]
    public void Advance_FiveLengthBytes_IsMalformed()
    {
        var guard = new PacketSizeGuard(int.MaxValue);

        guard.Advance([0x10, 0x80, 0x80, 0x80, 0x80]).Should().BeFalse();
    }

    [Test]
    public void Advance_BodyBytesThatLookLikeHeaders_AreNotParsedAsHeaders()
    {
        var guard = new PacketSizeGuard(10);

        guard.Advance([0x30, 0x04, 0xFF, 0xFF, 0xFF, 0x7F]).Should().BeTrue("these are body bytes");
        guard.Advance([0xE0, 0x00]).Should().BeTrue("then a DISCONNECT");
    }
}
