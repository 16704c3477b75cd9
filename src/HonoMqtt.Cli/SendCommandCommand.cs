using System.Text;
using Amqp;
using Amqp.Framing;
using Amqp.Sasl;

namespace HonoMqtt.Cli;

/// <summary>
/// <c>command</c>: sends one command as a Hono business application does (<c>to</c> = <c>command/&lt;tenant&gt;/&lt;device&gt;</c>,
/// <c>subject</c> = the name) and prints its outcome; with <c>--request</c> it first attaches a receiver on
/// <c>command_response/&lt;tenant&gt;/&lt;reply-id&gt;</c>, sets reply-to and a correlation id, and prints the response.
/// Exit codes: 0 accepted (and, for a request, the response printed), 1 anything else, 2 usage.
/// </summary>
internal sealed class SendCommandCommand(SendCommandOptions options, TextWriter output, TextWriter errors)
{
    private static readonly TimeSpan AttachTimeout = TimeSpan.FromSeconds(10);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        run.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        Connection? connection = null;
        try
        {
            connection = await ConnectAsync(run.Token).ConfigureAwait(false);
            var session = new Session(connection);
            var response = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (options.Request)
            {
                await AttachReceiverAsync(session, response).WaitAsync(AttachTimeout, run.Token).ConfigureAwait(false);
            }

            var sender = await AttachSenderAsync(session).WaitAsync(AttachTimeout, run.Token).ConfigureAwait(false);
            var outcome = await SendAsync(sender).WaitAsync(run.Token).ConfigureAwait(false);
            await output.WriteLineAsync($"command '{options.Name}' for {options.Device}@{options.Tenant} sent to {options.TargetAddress}: {Describe(outcome)}")
                .ConfigureAwait(false);
            if (outcome is not Accepted)
            {
                return 1;
            }

            if (!options.Request)
            {
                return 0;
            }

            var message = await response.Task.WaitAsync(run.Token).ConfigureAwait(false);
            await output.WriteAsync(MessageFormatter.Format(options.ResponseAddress, message)).ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 1;
        }
        catch (OperationCanceledException)
        {
            await errors.WriteLineAsync($"timed out after {options.TimeoutSeconds} s").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is AmqpException or IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await errors.WriteLineAsync($"failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            if (connection is not null)
            {
                try
                {
                    await connection.CloseAsync(TimeSpan.FromSeconds(2), null).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AmqpException or TimeoutException or ObjectDisposedException)
                {
                    // the peer went away first
                }
            }
        }
    }

    private static string Describe(Outcome outcome) => outcome switch
    {
        Accepted => "accepted",
        Rejected r => $"rejected ({r.Error?.Condition}: {r.Error?.Description})",
        Released => "released (no device took it)",
        Modified => "modified",
        _ => outcome?.ToString() ?? "no outcome",
    };

    private async Task<Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory();
        if (options.Username is null)
        {
            factory.SASL.Profile = SaslProfile.Anonymous;
        }

        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connect.CancelAfter(AttachTimeout);
        return await factory.CreateAsync(new Address(options.Host, options.Port, options.Username, options.Password, "/", "amqp"), connect.Token)
            .ConfigureAwait(false);
    }

    private Task AttachReceiverAsync(Session session, TaskCompletionSource<Message> response)
    {
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attach = new Attach { Source = new Source { Address = options.ResponseAddress }, Target = new Target() };
        var link = new ReceiverLink(session, $"hono-mqtt-cli-response-{Guid.NewGuid():N}", attach, (_, remote) =>
        {
            if (remote.Source is not null)
            {
                attached.TrySetResult();
            }
        });
        link.AddClosedCallback((_, error) =>
        {
            var failure = new AmqpException(error ?? new Error(ErrorCode.DetachForced) { Description = "detached" });
            attached.TrySetException(failure);
            response.TrySetException(failure);
        });
        link.Start(5, (receiver, message) =>
        {
            receiver.Accept(message);
            response.TrySetResult(message);
        });
        return attached.Task;
    }

    private async Task<SenderLink> AttachSenderAsync(Session session)
    {
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attach = new Attach { Source = new Source(), Target = new Target { Address = options.TargetAddress } };
        var link = new SenderLink(session, $"hono-mqtt-cli-command-{Guid.NewGuid():N}", attach, (_, remote) =>
        {
            if (remote.Target is not null)
            {
                attached.TrySetResult();
            }
        });
        link.AddClosedCallback((_, error) => attached.TrySetException(new AmqpException(error ?? new Error(ErrorCode.DetachForced))));
        await attached.Task.ConfigureAwait(false);
        return link;
    }

    private Task<Outcome> SendAsync(SenderLink sender)
    {
        var message = new Message
        {
            Properties = new Properties
            {
                MessageId = "cli-" + Guid.NewGuid().ToString("N")[..12],
                To = options.To,
                Subject = options.Name,
                ContentType = options.ContentType,
            },
            BodySection = new Data { Binary = Encoding.UTF8.GetBytes(options.Payload ?? string.Empty) },
        };
        if (options.Request)
        {
            message.Properties.ReplyTo = options.ReplyTo;
            message.Properties.CorrelationId = message.Properties.MessageId;
        }

        var outcome = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        sender.Send(message, static (_, _, result, state) => ((TaskCompletionSource<Outcome>)state!).TrySetResult(result), outcome);
        return outcome.Task;
    }
}
