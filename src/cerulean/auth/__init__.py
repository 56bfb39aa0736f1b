"""Registry authentication: ACR's token service, credential checks and the data plane's token gate."""
