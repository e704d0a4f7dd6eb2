namespace Rectification;

/// <summary>
/// The database could not be reached while a grain read or wrote its state. The silo turns the
/// driver's exception (which does not cross to the API) into this one, and the API answers 503 with
/// Retry-After. A write that failed this way may still have committed just before the connection
/// dropped: repeating it with the same Idempotency-Key gives the one true answer.
/// </summary>
[GenerateSerializer, Alias("StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException() { }

    public StorageUnavailableException(string message) : base(message) { }

    public StorageUnavailableException(string message, Exception inner) : base(message, inner) { }
}
