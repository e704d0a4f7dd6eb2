using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Rectification.Tests.Infrastructure;

/// <summary>
/// A cluster of its own for the campaign sweep (suggestions and notices), with a webhook receiver on a
/// free loopback port that refuses each delivery the first time (500) and takes it the second, so the
/// retries are exercised on every notice.
/// </summary>
public sealed class NoticesFixture : ApiFixture
{
    public const string Secret = "test-webhook-secret-not-for-production";
    private readonly HttpListener _listener = new();
    private readonly int _port = FreePort.Next();
    private Task? _loop;

    /// <summary>Every request the receiver got: delivery id, timestamp, signature, body, and the status it answered.</summary>
    public ConcurrentQueue<(string Delivery, string Timestamp, string Signature, string Body, int Status)> Received { get; } = new();

    protected override IReadOnlyDictionary<string, string?> SiloSettings => new Dictionary<string, string?>
    {
        ["Notices:WebhookUrl"] = $"http://127.0.0.1:{_port}/hook/",
        ["Notices:WebhookSecret"] = Secret,
        ["Notices:RetryBaseSeconds"] = "0.3",
        ["Notices:PollSeconds"] = "0.2",
    };

    public override async Task InitializeAsync()
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/hook/");
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
        await base.InitializeAsync();
    }

    private async Task ReceiveAsync()
    {
        var seen = new HashSet<string>();
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var delivery = context.Request.Headers["X-Rectification-Delivery"] ?? "";
            var status = seen.Add(delivery) ? 500 : 200;
            Received.Enqueue((delivery, context.Request.Headers["X-Rectification-Timestamp"] ?? "", context.Request.Headers["X-Rectification-Signature"] ?? "", body, status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _listener.Stop();
        if (_loop is not null) await _loop;
        _listener.Close();
    }
}

[CollectionDefinition(Name)]
public sealed class NoticesCollection : ICollectionFixture<NoticesFixture>
{
    public const string Name = "notices";
}
