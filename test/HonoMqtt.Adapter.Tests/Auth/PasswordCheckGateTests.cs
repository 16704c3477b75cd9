using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using HonoMqtt.Adapter.Options;
using HonoMqtt.Adapter.Registry;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Auth;

public sealed class PasswordCheckGateTests
{
    /// <summary>A bcrypt check that takes as long as the test wants: it ends when <see cref="Release"/> is called.</summary>
    private sealed class HeldVerifier
    {
        private readonly ManualResetEventSlim _release = new();

        public int Calls;

        public bool Verify(string function, string hash, string? salt, string password)
        {
            Interlocked.Increment(ref Calls);
            _release.Wait(TimeSpan.FromSeconds(30));
            return PasswordVerifier.Matches(function, hash, salt, password);
        }

        public void Release() => _release.Set();
    }

    private static SecretInfo Bcrypt(string password) => new(true, null, null, "bcrypt", BCrypt.Net.BCrypt.HashPassword(password, 4), null);

    private static PasswordCheckGate Gate(Func<string, string, string?, string, bool> verify, int queueTimeout = 1) =>
        new(new MqttAdapterOptions { PasswordCheckConcurrency = 1, PasswordCheckQueueTimeout = queueTimeout, VerifiedCredentialsCacheSize = 100 }, verify);

    [Test]
    public async Task MatchesAsync_AllSlotsBusy_GivesUpAfterTheQueueTimeout()
    {
        var held = new HeldVerifier();
        using var gate = Gate(held.Verify);
        var slow = gate.MatchesAsync("t", "a", Bcrypt("one"), "one", CancellationToken.None).AsTask();

        var queued = await gate.MatchesAsync("t", "b", Bcrypt("two"), "two", CancellationToken.None);

        queued.Should().BeNull("the only slot is taken by the held check");
        held.Release();
        (await slow).Should().BeTrue();
    }

    [Test]
    public async Task MatchesAsync_AVerifiedPasswordAgain_IsAnsweredFromTheCacheWithoutASlot()
    {
        var held = new HeldVerifier();
        using var gate = Gate(held.Verify);
        var secret = Bcrypt("one");
        held.Release();
        (await gate.MatchesAsync("t", "a", secret, "one", CancellationToken.None)).Should().BeTrue();
        held.Calls.Should().Be(1);

        (await gate.MatchesAsync("t", "a", secret, "one", CancellationToken.None)).Should().BeTrue("remembered");
        held.Calls.Should().Be(1, "no second bcrypt check");
        (await gate.MatchesAsync("t", "a", secret, "wrong", CancellationToken.None)).Should().BeFalse("a different password needs a real check");
        held.Calls.Should().Be(2);
    }

    [Test]
    public async Task MatchesAsync_AChangedSecret_IsNotAnsweredFromTheCache()
    {
        using var gate = Gate(PasswordVerifier.Matches, queueTimeout: 10_000);
        (await gate.MatchesAsync("t", "a", Bcrypt("one"), "one", CancellationToken.None)).Should().BeTrue();

        (await gate.MatchesAsync("t", "a", Bcrypt("other"), "one", CancellationToken.None)).Should().BeFalse();
    }

    [Test]
    public async Task MatchesAsync_ShaSecrets_NeedNoSlot()
    {
        var held = new HeldVerifier();
        using var gate = Gate(held.Verify);
        var (function, hash, salt) = PasswordVerifier.HashPlainPassword("pw");
        var slow = gate.MatchesAsync("t", "b", Bcrypt("two"), "two", CancellationToken.None).AsTask();

        (await gate.MatchesAsync("t", "a", new SecretInfo(true, null, null, function, hash, salt), "pw", CancellationToken.None)).Should().BeTrue();
        held.Release();
        await slow;
    }
}
