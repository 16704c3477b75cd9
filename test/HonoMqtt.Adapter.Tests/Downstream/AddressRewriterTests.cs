using FluentAssertions;
using HonoMqtt.Adapter.Downstream;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Downstream;

public sealed class AddressRewriterTests
{
    [Test]
    public void Rewrite_RabbitMqRuleWithEncoding_PercentEncodesTheAddress()
    {
        AddressRewriter.TryCreate("^(.*)$ /queue/${enc:1}", out var rewriter, out _).Should().BeTrue();

        rewriter!.Rewrite("telemetry/DEFAULT_TENANT").Should().Be("/queue/telemetry%2FDEFAULT_TENANT");
    }

    [Test]
    public void Rewrite_GroupReference_ReplacesLikeJava()
    {
        AddressRewriter.TryCreate("([a-z_]+)/([\\w-]+) test-vhost/$1/$2", out var rewriter, out _).Should().BeTrue();

        rewriter!.Rewrite("telemetry/tenant-1").Should().Be("test-vhost/telemetry/tenant-1");
    }

    [Test]
    public void Rewrite_NoMatch_KeepsAddress()
    {
        AddressRewriter.TryCreate("^event/(.*)$ events.$1", out var rewriter, out _).Should().BeTrue();

        rewriter!.Rewrite("telemetry/t").Should().Be("telemetry/t");
    }

    [Test]
    public void TryCreate_WithoutReplacement_Fails()
    {
        AddressRewriter.TryCreate("^(.*)$", out _, out var error).Should().BeFalse();

        error.Should().NotBeNullOrEmpty();
    }
}
