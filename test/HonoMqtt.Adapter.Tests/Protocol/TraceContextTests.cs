using Amqp.Types;
using FluentAssertions;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Protocol;

public sealed class TraceContextTests
{
    private static string TraceParent(Map map) => (string)map[new Symbol("traceparent")];

    [Test]
    public void Create_WithAValidParent_ContinuesItsTraceWithANewSpan()
    {
        const string parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        var map = TraceContext.Create(parent, "vendor=1");

        TraceParent(map).Should().MatchRegex("^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$").And.NotBe(parent);
        map[new Symbol("tracestate")].Should().Be("vendor=1");
    }

    [TestCase(null)]
    [TestCase("garbage")]
    [TestCase("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    public void Create_WithoutAUsableParent_StartsANewTrace(string? parent)
    {
        var map = TraceContext.Create(parent, "ignored");

        TraceParent(map).Should().MatchRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$");
        map.ContainsKey(new Symbol("tracestate")).Should().BeFalse();
    }
}
