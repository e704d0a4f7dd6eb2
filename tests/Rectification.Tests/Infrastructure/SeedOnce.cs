namespace Rectification.Tests.Infrastructure;

/// <summary>
/// Data a test class seeds once for all its tests (xUnit makes a new instance per test): the first
/// test to start runs the seeding, the others wait for it and share its result.
/// </summary>
public sealed class SeedOnce<T> where T : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private T? _value;

    public async Task<T> GetAsync(Func<Task<T>> seed)
    {
        await _gate.WaitAsync();
        try
        {
            return _value ??= await seed();
        }
        finally
        {
            _gate.Release();
        }
    }
}
