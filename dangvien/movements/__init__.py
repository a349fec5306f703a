"""Transfers of party activity (permanent and temporary) and removal from the Party."""
