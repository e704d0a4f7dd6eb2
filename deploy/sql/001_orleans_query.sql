-- The Orleans ADO.NET providers read their SQL from this table once, at start-up, by query key.
-- Every query text below is this project's own, written against the providers' documented
-- contract: the key names, the @parameter names and the result column names are fixed by Orleans.
CREATE TABLE orleansquery (
    querykey  varchar(64)   NOT NULL PRIMARY KEY,
    querytext varchar(8000) NOT NULL
);
