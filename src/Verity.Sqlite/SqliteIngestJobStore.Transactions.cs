using Microsoft.Data.Sqlite;
using Verity.Core;

namespace Verity.Sqlite;

/// <summary>How the job store talks to the file: the schema made on first use, one write transaction per change
/// behind the process-wide write gate, and SQLite errors turned into <see cref="StoreUnavailableException"/>.</summary>
public sealed partial class SqliteIngestJobStore
{
    private async Task<T> WriteAsync<T>(string operation, Func<SqliteConnection, Task<T>> body, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _database.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
            // BEGIN IMMEDIATE: the write lock is taken before the first read, so what a transition reads (is the
            // item still running? which item is oldest?) cannot change before it writes.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await body(connection).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (SqliteException e)
        {
            throw Translate(e, operation);
        }
        finally
        {
            _database.WriteGate.Release();
        }
    }

    private async Task<T> ReadAsync<T>(string operation, Func<SqliteConnection, Task<T>> body, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await body(connection).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Translate(e, operation);
        }
    }

    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initialization.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            await using var connection = await _database.OpenForInitializationAsync(cancellationToken).ConfigureAwait(false);
            await _database.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                if (await Schema.EnsureAsync(connection, _database.Path, cancellationToken).ConfigureAwait(false) is { } from)
                {
                    Log.SchemaMigrated(_logger, _database.Path, from, Schema.Version);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _database.WriteGate.Release();
            }

            _initialized = true;
        }
        catch (SqliteException e)
        {
            throw Translate(e, "open the job store");
        }
        finally
        {
            _initialization.Release();
        }
    }

    private StoreUnavailableException Translate(SqliteException e, string operation)
    {
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another writer held the lock past the busy timeout; retrying may work.
        var transient = e.SqliteErrorCode is 5 or 6;
        Log.StoreError(_logger, operation, e.SqliteErrorCode, e);
        return new StoreUnavailableException($"The job store could not {operation}.", transient, e);
    }
}
