"""What Rasa loads by name from here, and the file that names it (Rasa imports each by its path):

- channel.BackupRestInput                         credentials.yml
- tracker_store.RedisTrackerStore                 endpoints.yml
- lock_store.RedisLockStore                       endpoints.yml
- sentence_featurizer.SentenceEncoderFeaturizer   config.yml
- risk_classifier.RiskScreenClassifier            config.yml

The channel applies speedups; spacy_pipeline builds the spaCy folder config.yml loads (make does).
"""
