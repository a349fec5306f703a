"""Candidates, the admission dossier and its steps, probation and recognition as official member."""
